// Fills every <input data-plx-time-zone> with the browser's IANA time zone ("America/New_York"), so a new practice
// starts in its owner's zone. Loaded on every page: the sign-up form may arrive by Blazor's enhanced navigation, which
// does not run scripts in the new content, so it fills on load, after each enhanced navigation and again on submit.
// Anything the browser cannot tell leaves the field empty, and the server then uses UTC.
function browserTimeZone() {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
        return "";
    }
}

function fill(root) {
    const zone = browserTimeZone();
    for (const input of (root ?? document).querySelectorAll("input[data-plx-time-zone]")) {
        if (!input.value) {
            input.value = zone;
        }
    }
}

fill();
document.addEventListener("submit", event => fill(event.target), true);
window.Blazor?.addEventListener?.("enhancedload", () => fill());
