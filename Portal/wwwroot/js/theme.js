// Runs in <head> before first paint. The server already rendered the chosen theme from a cookie;
// only "same as system" needs the browser's preference, which the server cannot know.
(function () {
  var root = document.documentElement;
  if (root.getAttribute('data-theme') !== 'auto' || !window.matchMedia) {
    return;
  }
  var query = window.matchMedia('(prefers-color-scheme: dark)');
  var apply = function () {
    root.setAttribute('data-bs-theme', query.matches ? 'dark' : 'light');
  };
  apply();
  query.addEventListener('change', apply);
})();
