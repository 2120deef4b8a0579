/**
 * Debian's Chromium for the tests that drive a real browser (playwright-core): where it is, the
 * flags it runs with, and whether it is installed (`.ci/run` installs it; where it could not,
 * those tests are skipped and say why).
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
/** As the machine notes advise: no background connections on a closed network. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const chromiumAvailable = existsSync(CHROMIUM);
export const chromiumMissing = `${CHROMIUM} is not installed (Debian's chromium package; .ci/run installs it with 'apt-get install -y chromium')`;
