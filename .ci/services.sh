#!/usr/bin/env bash
# Start PostgreSQL, Redis and RabbitMQ on 127.0.0.1 if they are not already answering.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do port_open "$port" && { echo "$name: up on $port"; return 0; }; sleep 1; done
  echo "$name: not answering on 127.0.0.1:$port" >&2; return 1
}

if ! port_open 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! port_open 6379; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
if ! port_open 5672; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached || true
fi

status=0
wait_port PostgreSQL 5432 || status=1
wait_port Redis 6379 || status=1
wait_port RabbitMQ 5672 || status=1
exit $status
