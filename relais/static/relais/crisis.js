// Crisis mode form: picking a mode ticks the switches that mode usually turns on.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("crisis-form");
  const data = document.getElementById("mode-defaults");
  if (!form || !data) return;
  const defaults = JSON.parse(data.textContent);
  // Every switch of the form: capabilities add switches, the script need not know them.
  const switches = Array.from(form.querySelectorAll("input[type=checkbox]"), (box) => box.name);
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
