// The note editor's browser side: bring a cited transcript passage into view.

/** Scrolls the element with the id into view (smoothly unless the user prefers reduced motion); false when absent. */
export function scrollToElement(id) {
    const element = document.getElementById(id);
    if (!element) {
        return false;
    }
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    element.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
    return true;
}
