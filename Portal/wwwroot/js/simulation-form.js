// The simulation form's one enhancement: Enter in the parameter search box searches (clicks the
// Search button) instead of submitting the simulation. Everything works without it.
(function () {
  'use strict';
  document.addEventListener('keydown', function (event) {
    var input = event.target.closest && event.target.closest('[data-enter-clicks]');
    if (!input || event.key !== 'Enter') {
      return;
    }
    var button = document.getElementById(input.getAttribute('data-enter-clicks'));
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
