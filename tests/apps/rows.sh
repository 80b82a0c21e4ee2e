#!/bin/sh
# tests/apps/rows.sh N: SQL that makes table t and inserts N rows
# (a, 'row a') one INSERT at a time in one transaction, for SQLite's
# shell (`.read`) in tests/wasi.sh and on the FAT disk (Makefile).
awk -v n="${1:?usage: rows.sh N}" 'BEGIN {
	print "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);"
	print "BEGIN;"
	for (i = 1; i <= n; i++)
		printf "INSERT INTO t VALUES(%d, '\''row %d'\'');\n", i, i
	print "COMMIT;"
}'
