// Entry of a parse thread. Worker threads do not inherit tsx's loader, so the thread registers it
// itself before loading the TypeScript module.
import { register } from 'tsx/esm/api';

register();
await import('./parse-thread.ts');
