// The search benchmark page's module: the bench build of Folio with a corpus bundled, and its
// wasm memory, for search.mjs to drive. The page has no #folio, so no viewer is mounted.
import init, * as folio from './pkg/folio.js';

const wasm = await init();
window.folioSearch = { folio, memory: wasm.memory };
