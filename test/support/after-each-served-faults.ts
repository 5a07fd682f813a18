// Jest setup file (setupFilesAfterEnv): a test fails when a watched emulator holds a fault it armed and never hit.
import { assertWatchedFaultsServed } from './served-faults';

afterEach(assertWatchedFaultsServed);
