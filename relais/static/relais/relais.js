// Relais page behaviour shared by every page (no inline scripts: see the Content-Security-Policy).
//
// Tables turn into stacked cards below 768 px (relais.css): each cell shows the name of its
// column, which is copied here from the table's header into the cell's data-label attribute.
// Runs on load and after every htmx swap, so lists refreshed by filters are labelled too.
(() => {
  const headerLabel = (th) => {
    // A header whose text is only for screen readers ("Actions") gets no visible label.
    // data-label on the header wins (a short name for a long header).
    if (th.dataset.label) return th.dataset.label;
    const visible = th.cloneNode(true);
    visible.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
    // A space after each element, so "Rate<span>before benefit</span>" reads as two words.
    visible.querySelectorAll("*").forEach((element) => element.append(" "));
    return visible.textContent.replace(/\s+/g, " ").trim();
  };

  const labelTables = (root) => {
    root.querySelectorAll("table.relais-table").forEach((table) => {
      const headerRow = table.querySelector("thead tr");
      if (!headerRow) return;
      const labels = [];
      for (const th of headerRow.children) {
        for (let span = 0; span < (th.colSpan || 1); span += 1) labels.push(headerLabel(th));
      }
      table.querySelectorAll("tbody tr, tfoot tr").forEach((row) => {
        let column = 0;
        for (const cell of row.children) {
          if (labels[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        }
      });
    });
  };

  document.addEventListener("DOMContentLoaded", () => labelTables(document));
  document.addEventListener("htmx:afterSettle", () => labelTables(document));
})();
