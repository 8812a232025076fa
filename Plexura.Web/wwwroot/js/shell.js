// The navigation drawer of Components/Layout/MainLayout, opened and closed here in the browser rather than by a
// responsive MudDrawer in every circuit (bench/README.md, circuits). It also works on the static account pages.
// Wide screens (960 px and up, MudBlazor's md breakpoint) show the drawer beside the page until it is closed; narrower
// ones show it over the page, closed until opened, and close it again when a link in it is followed, on Escape, or on
// a tap beside it. The state is a class on <html>: plx-nav-open or plx-nav-closed, neither meaning the default.

const wide = window.matchMedia("(min-width: 960px)");
const root = document.documentElement;

function isOpen() {
    if (root.classList.contains("plx-nav-open")) {
        return true;
    }

    return root.classList.contains("plx-nav-closed") ? false : wide.matches;
}

/** Tells assistive technology whether the drawer is open (the toggle is re-rendered when the circuit starts). */
function sync() {
    const toggle = document.getElementById("nav-toggle");
    const expanded = String(isOpen());
    if (toggle && toggle.getAttribute("aria-expanded") !== expanded) {
        toggle.setAttribute("aria-expanded", expanded);
    }
}

function setOpen(open) {
    root.classList.toggle("plx-nav-open", open);
    root.classList.toggle("plx-nav-closed", !open);
    sync();
}

document.addEventListener("click", event => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) {
        return;
    }

    if (target.closest("#nav-toggle")) {
        setOpen(!isOpen());
    } else if (target.closest("#nav-scrim") || (!wide.matches && target.closest("#nav-drawer a[href]"))) {
        setOpen(false);
    }
});

document.addEventListener("keydown", event => {
    if (event.key === "Escape" && !wide.matches && isOpen()) {
        setOpen(false);
        document.getElementById("nav-toggle")?.focus();
    }
});

// Crossing the breakpoint returns to that width's default, as MudDrawer's responsive variant did.
wide.addEventListener("change", () => {
    root.classList.remove("plx-nav-open", "plx-nav-closed");
    sync();
});

new MutationObserver(sync).observe(document.body, { childList: true, subtree: true });
sync();
