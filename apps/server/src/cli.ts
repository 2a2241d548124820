#!/usr/bin/env node
console.log("cmp-server");
