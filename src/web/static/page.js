// Progressive enhancement only: every page works without this file.
// 打印: the button is hidden until this script can make it print the page.
for (const button of document.querySelectorAll('button[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
