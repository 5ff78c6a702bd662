/**
 * `npm run calibrate`: replays the measured engine logs in test/calibration/cases.json through the
 * estimator and prints verdicts and relative errors per case.
 */
import { calibrationTable, runAll } from "../test/calibration/harness.js";

console.log(calibrationTable(runAll()));
