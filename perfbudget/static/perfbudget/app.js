// Enhance selects marked data-tom-select with search (tom-select, served locally).
document.addEventListener("DOMContentLoaded", function () {
  if (window.TomSelect) {
    document.querySelectorAll("select[data-tom-select]").forEach(function (el) {
      new TomSelect(el, { maxOptions: 500, allowEmptyOption: true });
    });
  }
});
