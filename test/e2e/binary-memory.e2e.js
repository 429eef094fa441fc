'use strict';
// The binary operations in n8n's in-memory binary-data mode, `default` (see binary-suite.js).
require('./binary-suite.js').binarySuite('default');
