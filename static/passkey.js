// Passkey forms: <form data-passkey="register|authenticate|discover" data-options="{…}"> with a hidden
// input name="response". Pressing the form's button opens the device's own passkey dialog
// (WebAuthn, through @simplewebauthn/browser served from /static/simplewebauthn-browser.js), puts
// its answer in the hidden field and sends the form. Served from our origin: CSP script-src 'self'.
// "Sign in with a passkey" (data-passkey="discover") asks for its options only when pressed:
// POST data-options-url with the form's CSRF token, same origin (CSP connect-src 'self').
async function fetchOptions(form) {
  const body = new URLSearchParams({ csrf: form.querySelector('input[name="csrf"]').value });
  const answer = await fetch(form.dataset.optionsUrl, { method: 'POST', body, credentials: 'same-origin' });
  if (!answer.ok) throw new Error('options');
  return answer.json();
}

for (const form of document.querySelectorAll('form[data-passkey]')) {
  const status = form.querySelector('[data-passkey-status]');
  const say = (text) => {
    if (status) status.textContent = text;
  };
  form.addEventListener('submit', async (event) => {
    if (form.dataset.passkeyDone === '1') return;
    event.preventDefault();
    const browser = window.SimpleWebAuthnBrowser;
    if (!browser || !browser.browserSupportsWebAuthn()) {
      say('This browser cannot use passkeys. Choose another way.');
      return;
    }
    try {
      const optionsJSON = form.dataset.options ? JSON.parse(form.dataset.options) : await fetchOptions(form);
      const answer = form.dataset.passkey === 'register'
        ? await browser.startRegistration({ optionsJSON })
        : await browser.startAuthentication({ optionsJSON });
      form.querySelector('input[name="response"]').value = JSON.stringify(answer);
      form.dataset.passkeyDone = '1';
      form.submit();
    } catch (error) {
      // NotAllowedError: the person closed the dialog or it timed out; nothing was sent.
      say(error && error.name === 'NotAllowedError'
        ? 'The passkey dialog was closed or timed out. Press the button to try again.'
        : 'Your device could not use a passkey here. Try again, or choose another way.');
    }
  });
}
