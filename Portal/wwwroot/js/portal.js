// Small progressive enhancements. Every page works without this file; it only adds
// confirmations, copy buttons and the antiforgery header for htmx requests.
(function () {
  'use strict';

  // htmx: send the antiforgery token with every request it makes (forms carry their own).
  document.body.addEventListener('htmx:configRequest', function (event) {
    var meta = document.querySelector('meta[name="request-verification-token"]');
    if (meta && meta.content) {
      event.detail.headers['RequestVerificationToken'] = meta.content;
    }
  });

  // <button data-confirm="…"> asks before submitting its form.
  document.addEventListener('submit', function (event) {
    var source = event.submitter || event.target;
    var message = source && source.getAttribute && source.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <button data-copy="#input-id"> copies the input's value.
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    if (!button) {
      return;
    }
    var input = document.querySelector(button.getAttribute('data-copy'));
    if (!input) {
      return;
    }
    var done = function () {
      var label = button.innerHTML;
      button.textContent = 'Copied';
      setTimeout(function () { button.innerHTML = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done);
    } else {
      input.select();
      document.execCommand('copy');
      done();
    }
  });

  // Move keyboard focus to the main heading after a page load triggered by a form post,
  // so screen reader users hear where they landed.
  if (document.querySelector('.flash-area .alert')) {
    var heading = document.querySelector('main h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
})();
