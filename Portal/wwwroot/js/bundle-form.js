// Create-bundle form: show only the chosen country's model and data releases. Progressive
// enhancement: without it every release is listed and the server rejects a mismatch readably.
(function () {
  'use strict';

  function sync(form) {
    var country = form.querySelector('[data-bundle-country]').value;
    form.querySelectorAll('optgroup[data-country]').forEach(function (group) {
      var visible = group.getAttribute('data-country') === country;
      group.hidden = !visible;
      group.disabled = !visible;
    });
    form.querySelectorAll('select').forEach(function (select) {
      var chosen = select.options[select.selectedIndex];
      if (chosen && chosen.parentElement && chosen.parentElement.disabled) {
        var first = select.querySelector('optgroup:not([disabled]) option');
        if (first) {
          first.selected = true;
        }
      }
    });
  }

  document.querySelectorAll('form[data-bundle-form]').forEach(function (form) {
    sync(form);
    form.querySelector('[data-bundle-country]').addEventListener('change', function () { sync(form); });
  });
})();
