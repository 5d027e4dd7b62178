// Loads the WebAssembly viewer; its start function mounts it into #folio.
// The import is dynamic so that a missing or blocked module is caught here too,
// and the page says what went wrong instead of staying at "Loading…".
try {
  const { default: init } = await import("./pkg/folio.js");
  await init();
} catch (error) {
  console.error(error);
  showLoadError(error);
}

function showLoadError(error) {
  const status = document.getElementById("folio-status");
  if (!status) return;
  const heading = document.createElement("h1");
  heading.textContent = "Folio could not start";
  const explanation = document.createElement("p");
  explanation.textContent =
    "The viewer failed to load. It needs a current browser with WebAssembly; reloading may help.";
  const detail = document.createElement("pre");
  detail.className = "error-message";
  detail.textContent = String(error && error.message ? error.message : error);
  status.classList.add("error-view");
  status.setAttribute("role", "alert");
  status.replaceChildren(heading, explanation, detail);
}
