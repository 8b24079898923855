import { z } from "zod";

// Runs in the browser before the app's own modules. Pages run under a Content-Security-Policy
// without 'unsafe-eval' (proxy.ts); zod's JIT would probe `new Function` when its first object
// schema is built, and the browser reports that caught probe as a CSP violation. Without the JIT,
// zod parses the same, only without compiled fast paths.
z.config({ jitless: true });
