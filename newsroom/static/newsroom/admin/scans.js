/* The desk's scan viewer: OpenSeadragon over the IIIF image service, beside the text.
 *
 * Each .nr-scan section (admin/newsroom/includes/scan_viewer.html) names a JSON script holding
 * its pages (label and IIIF info.json address) and OpenSeadragon's button images. Several
 * pages (a continued article) open in sequence mode, switched by the section's page buttons.
 * The viewer's data-state says where it is: loading, then shown (a tile painted) or failed.
 */
"use strict";

(function () {
  function start(section) {
    const config = JSON.parse(document.getElementById(section.dataset.config).textContent);
    const element = section.querySelector(".nr-scan-viewer");
    const buttons = Array.from(section.querySelectorAll(".nr-scan-page"));
    const facts = Array.from(section.querySelectorAll(".nr-scan-facts"));
    const failed = section.querySelector(".nr-scan-failed");
    const several = config.pages.length > 1;

    const viewer = OpenSeadragon({
      element: element,
      tileSources: config.pages.map(function (page) { return page.info; }),
      sequenceMode: several,
      showSequenceControl: false,
      // Each button image by its static address (hashed in production): no prefix to add.
      prefixUrl: "",
      navImages: config.navImages,
      showRotationControl: true,
      // A page fills the viewer's height at first; the editor zooms into the column they read.
      visibilityRatio: 0.5,
      minZoomImageRatio: 0.8,
      maxZoomPixelRatio: 2,
      // A click is for focusing the viewer (keyboard zoom); double-click zooms.
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      gestureSettingsTouch: { pinchRotate: false },
    });
    section.viewer = viewer;

    function showPage(index) {
      buttons.forEach(function (button, i) {
        button.setAttribute("aria-pressed", String(i === index));
      });
      facts.forEach(function (span, i) { span.hidden = i !== index; });
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        const index = Number(button.dataset.index);
        element.dataset.state = "loading";
        viewer.goToPage(index);
        showPage(index);
      });
    });
    viewer.addHandler("page", function (event) { showPage(event.page); });
    viewer.addHandler("open", function () { failed.hidden = true; });
    // Shown once a tile has arrived and been painted (the WebGL drawer raises no tile-drawn).
    viewer.addHandler("tile-loaded", function () {
      window.requestAnimationFrame(function () { element.dataset.state = "shown"; });
    });
    viewer.addHandler("open-failed", function () {
      element.dataset.state = "failed";
      failed.hidden = false;
    });
  }

  function startAll() {
    document.querySelectorAll(".nr-scan[data-config]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
