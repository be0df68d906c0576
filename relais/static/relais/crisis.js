// Crisis mode form: picking a mode ticks the switches that mode usually turns on.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("crisis-form");
  const data = document.getElementById("mode-defaults");
  if (!form || !data) return;
  const defaults = JSON.parse(data.textContent);
  // Every switch of the form: capabilities add switches, the script need not know them.
  const switches = Array.from(form.querySelectorAll("input[type=checkbox]"), (box) => box.name);
  const tick = (mode) => {
    const on = defaults[mode] || [];
    switches.forEach((name) => {
      const box = form.querySelector(`input[name=${name}]`);
      if (box) box.checked = on.includes(name);
    });
  };
  const radios = form.querySelectorAll("input[name=mode]");
  radios.forEach((radio) => radio.addEventListener("change", () => tick(radio.value)));
  // A mode picked before this deferred script ran (a slow phone, a quick hand) fired its change
  // event with no listener yet: tick its switches now, as the listener would have.
  const picked = Array.from(radios).find((radio) => radio.checked && !radio.defaultChecked);
  if (picked) tick(picked.value);
});
