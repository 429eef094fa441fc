'use strict';
// The binary operations in n8n's filesystem binary-data mode (see binary-suite.js).
require('./binary-suite.js').binarySuite('filesystem');
