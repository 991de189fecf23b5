// Types for the dashboard's `./vendor/uplot/uPlot.esm.js`, which the API serves from the uplot
// package: the type check (public/tsconfig.json, rootDirs) finds them here, outside the served folder.
export { default } from 'uplot';
