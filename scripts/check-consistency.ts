/**
 * `npm run uploads:check`: does every uploaded row have its object, and every object a row?
 * Prints a JSON report; exits 1 when something is off. Read-only, safe against production.
 */
import { checkConsistency, isConsistent } from "../server/ops/consistency";

const report = await checkConsistency(process.argv[2] ?? "u/");
console.log(JSON.stringify(report, null, 2));
process.exit(isConsistent(report) ? 0 : 1);
