// The builders live in test/support/; test/e2e still imports flatCall from here.
export { flatCall } from '../support/calls.js';
