// Progressive enhancement only: every page works without this script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form.confirm")) {
    if (!window.confirm(form.getAttribute("data-confirm") || "Are you sure?")) {
      event.preventDefault();
    }
  }
});

// A file over the size limit is refused before it is sent (the server refuses it too).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
  var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
  var file = input.files && input.files[0];
  var note = document.getElementById(input.id + "-size-error");
  if (file && file.size > limit) {
    if (!note) {
      note = document.createElement("p");
      note.id = input.id + "-size-error";
      note.className = "error";
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = input.getAttribute("data-too-large") || "";
    input.value = "";
  } else if (note) {
    note.remove();
  }
});
