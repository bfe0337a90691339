// Progressive enhancement only: every page works without this script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches && form.matches("form.confirm")) {
    if (!window.confirm(form.getAttribute("data-confirm") || "Are you sure?")) {
      event.preventDefault();
    }
  }
});

// Character counters beside long texts (textarea[data-max]): "1,234 of 5,000 characters",
// marked when over (the server refuses it with the count; nothing is cut silently).
(function () {
  var format = window.Intl && Intl.NumberFormat
    ? new Intl.NumberFormat(document.documentElement.lang || undefined).format
    : String;
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }
  function update(field, counter) {
    var max = parseInt(field.getAttribute("data-max"), 10);
    var used = field.value.length;
    var over = used > max;
    counter.textContent = over
      ? fill(field.getAttribute("data-over"), { over: format(used - max) })
      : fill(field.getAttribute("data-count"), { used: format(used), max: format(max) });
    counter.classList.toggle("over", over);
  }
  var fields = document.querySelectorAll("textarea[data-max][data-count]");
  Array.prototype.forEach.call(fields, function (field) {
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.id = field.id + "-counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    update(field, counter);
    field.addEventListener("input", function () { update(field, counter); });
  });
})();

// Switching the language reloads the page: a form with unsaved input (form[data-unsaved])
// asks first.
(function () {
  var dirty = null;
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-unsaved")) {
      dirty = form;
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form === dirty) {
      dirty = null; // saving it
      return;
    }
    if (dirty && form.matches && form.matches("form.languages")) {
      if (!window.confirm(dirty.getAttribute("data-unsaved"))) {
        event.preventDefault();
      }
    }
  });
})();
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
