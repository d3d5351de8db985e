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

/** Puts the device's answer in the form's hidden field and sends the form, once. */
function sendAnswer(form, answer) {
  form.querySelector('input[name="response"]').value = JSON.stringify(answer);
  form.dataset.passkeyDone = '1';
  form.submit();
}

/**
 * Conditional UI (WebAuthn L3 §5.1.4.1 mediation "conditional"): where the browser offers it, the
 * sign-in page's email field (autocomplete="username webauthn") lists this site's passkeys among
 * its suggestions; picking one signs in as the button would. The request waits quietly: pressing
 * the button aborts it (the library allows one ceremony at a time) and starts the usual dialog.
 */
async function offerPasskeysInAutofill(form) {
  const browser = window.SimpleWebAuthnBrowser;
  if (!browser || !(await browser.browserSupportsWebAuthnAutofill())) return;
  try {
    const optionsJSON = await fetchOptions(form);
    sendAnswer(form, await browser.startAuthentication({ optionsJSON, useBrowserAutofill: true }));
  } catch {
    // Aborted by the button, or nothing chosen: the page works as without it.
  }
}

for (const form of document.querySelectorAll('form[data-passkey]')) {
  const status = form.querySelector('[data-passkey-status]');
  const say = (text) => {
    if (status) status.textContent = text;
  };
  if (form.dataset.passkey === 'discover' && document.querySelector("input[autocomplete$='webauthn']")) offerPasskeysInAutofill(form);
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
      sendAnswer(form, answer);
    } catch (error) {
      // NotAllowedError: the person closed the dialog or it timed out; nothing was sent.
      say(error && error.name === 'NotAllowedError'
        ? 'The passkey dialog was closed or timed out. Press the button to try again.'
        : 'Your device could not use a passkey here. Try again, or choose another way.');
    }
  });
}
