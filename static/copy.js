// Copy buttons: <button data-copy-target="id"> copies the text of the element with that id.
// Print buttons: <button data-print hidden> are shown here (they need this script) and print the page
// (site.css's print rules keep the code and drop the buttons).
// Served from our origin (CSP script-src 'self'); the page works without it.
for (const button of document.querySelectorAll('button[data-copy-target]')) {
  button.addEventListener('click', async () => {
    const target = document.getElementById(button.dataset.copyTarget);
    if (!target || !navigator.clipboard) return;
    await navigator.clipboard.writeText(target.textContent.trim());
    button.textContent = 'Copied';
  });
}
for (const button of document.querySelectorAll('button[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
