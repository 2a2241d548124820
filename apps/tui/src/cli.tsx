#!/usr/bin/env node
console.log("cmp-tui");
