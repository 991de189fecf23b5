// Imported first, for its effect, by every entry point (apps/*/src/main.ts, apps/cli/src/*.main.ts):
// ES modules evaluate their imports in order before their own code, so this is the first code a
// process runs, before any other module (a dependency, the configuration) can fail on an older
// Node.js without saying why. It imports nothing but the check.
import { exitUnlessSupportedNode } from './node-version.js';

exitUnlessSupportedNode();
