#!/usr/bin/env bash
# Start a throw-away single-machine Ceph cluster (1 mon + 1 memstore OSD, auth none) and a
# radosgw S3 gateway on 127.0.0.1 only, for the publish tests and the publish benchmark.
#
#   .ci/start-rgw.sh DIR        prints RGWPORT=<port>; writes DIR/{mon,osd,rgw}.pid
#   stop:  kill $(cat DIR/rgw.pid) $(cat DIR/osd.pid) $(cat DIR/mon.pid)   (wait on the OSD)
#
# Keys: TESTKEY / TESTSECRET (user "test"); OTHERKEY / OTHERSECRET (user "other").
# RGW_MEMSTORE_BYTES sets the RAM the OSD may use (default 3 GiB).
# Recipe: ../shared/docs/s3-test-server.md; every socket binds 127.0.0.1.
set -euo pipefail
D=${1:?usage: start-rgw.sh DIR}
rm -rf "$D"
mkdir -p "$D"/{mon/ceph-a,osd/ceph-0,run,log}
MONPORT=$((30000 + RANDOM % 10000))
RGWPORT=$((40000 + RANDOM % 10000))
BMIN=$((50000 + RANDOM % 5000))
BMAX=$((BMIN + 200))
FSID=$(uuidgen)
MEM=${RGW_MEMSTORE_BYTES:-3221225472}
cat > "$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MONPORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv4 = true
ms bind ipv6 = false
ms bind port min = $BMIN
ms bind port max = $BMAX
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
# radosgw asks for a secure mon connection by default, which needs cephx
ms mon client mode = crc
ms client mode = crc
ms mon service mode = crc
ms service mode = crc
ms mon cluster mode = crc
ms cluster mode = crc
osd pool default size = 1
osd pool default min size = 1
# rgw creates ~8 pools; 32 PGs each would exceed mon_max_pg_per_osd on one OSD
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
mon data = $D/mon/\$cluster-\$id
osd data = $D/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEM
keyring = $D/keyring
CONF
export CEPH_CONF=$D/ceph.conf
ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MONPORT]" "$D/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
ceph-mon -i a -f >>"$D/log/mon.out" 2>&1 &
echo $! >"$D/mon.pid"
OSDID=$(timeout 60 ceph osd create)
ceph-osd -i "$OSDID" --mkfs >>"$D/log/osd-mkfs.out" 2>&1
ceph-osd -i "$OSDID" -f >>"$D/log/osd.out" 2>&1 &
echo $! >"$D/osd.pid"
for _ in $(seq 1 60); do
  timeout 10 ceph osd stat 2>/dev/null | grep -q "1 up" && break
  sleep 1
done
radosgw -n client.admin --rgw-frontends "beast endpoint=127.0.0.1:$RGWPORT" -f \
  >>"$D/log/rgw.out" 2>&1 &
echo $! >"$D/rgw.pid"
up=0
for _ in $(seq 1 120); do
  if curl -s -o /dev/null "http://127.0.0.1:$RGWPORT/"; then up=1; break; fi
  sleep 0.5
done
if [ "$up" != 1 ]; then
  echo "radosgw did not answer on 127.0.0.1:$RGWPORT; see $D/log" >&2
  exit 1
fi
radosgw-admin user create --uid test --display-name test \
  --access-key TESTKEY --secret TESTSECRET >/dev/null 2>&1
radosgw-admin user create --uid other --display-name other \
  --access-key OTHERKEY --secret OTHERSECRET >/dev/null 2>&1
echo "RGWPORT=$RGWPORT"
