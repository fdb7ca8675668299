// Folio's test hub: a CouchDB-compatible HTTP server (PouchDB Server's
// engine, express-pouchdb) over in-memory databases, listening on
// 127.0.0.1 only. Usage: node hub.js [PORT]. With PORT 0 (the default) it
// picks a free port. It prints "listening on http://127.0.0.1:PORT" once
// ready, and exits when its standard input closes, so a test that started
// it never leaves it running.
'use strict';
const express = require('express');
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-mapreduce'))
  .plugin(require('pouchdb-replication'));

const MemPouch = PouchDB.defaults({ adapter: 'memory' });
const app = express();
app.use('/', require('express-pouchdb')(MemPouch, {
  mode: 'minimumForPouchDB',
  inMemoryConfig: true,
  logPath: require('os').devNull,
}));

const port = Number(process.argv[2] || 0);
const server = app.listen(port, '127.0.0.1', () => {
  console.log('listening on http://127.0.0.1:' + server.address().port);
});
if (process.argv.includes('--until-stdin-closes') || !process.stdin.isTTY) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
