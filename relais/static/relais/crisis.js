// Crisis mode form: picking a mode ticks the switches that mode usually turns on.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("crisis-form");
  const data = document.getElementById("mode-defaults");
  if (!form || !data) return;
  const defaults = JSON.parse(data.textContent);
  const switches = ["reception_closed", "urgent_interventions_only", "remote_commissions", "outreach_active"];
  form.querySelectorAll("input[name=mode]").forEach((radio) => {
    radio.addEventListener("change", () => {
      const on = defaults[radio.value] || [];
      switches.forEach((name) => {
        const box = form.querySelector(`input[name=${name}]`);
        if (box) box.checked = on.includes(name);
      });
    });
  });
});
