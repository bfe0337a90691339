// Progressive enhancement only: every page works without this script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form.confirm")) {
    if (!window.confirm(form.getAttribute("data-confirm") || "Are you sure?")) {
      event.preventDefault();
    }
  }
});
