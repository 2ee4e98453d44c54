#!/bin/sh
# Run once by the postgres image when it creates its data directory (docker-entrypoint-initdb.d):
# lets the compose `replica` profile's standby stream from this server over the compose network.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
