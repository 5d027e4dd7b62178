// The benchmark page's module: the bench build of Folio and marked, for bench.mjs to drive.
import init, { bench_pipeline, bench_render_floor, bench_render_folio } from './pkg/folio.js';
import { marked } from './marked.esm.js';

await init();
window.folioBench = { bench_pipeline, bench_render_floor, bench_render_folio, marked };
