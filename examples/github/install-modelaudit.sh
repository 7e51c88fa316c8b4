#!/bin/sh
# Builds and installs modelaudit on an Ubuntu or Debian CI runner.
#   MODELAUDIT_GIT   git URL of the modelaudit sources
#   MODELAUDIT_REF   tag or branch to build
# Run as root, or with sudo available.
set -eu
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
	gcc make pkg-config git ca-certificates libyaml-dev libgit2-dev \
	libcurl4-openssl-dev libpcre2-dev libsqlite3-dev libjansson-dev libssl-dev
src=$(mktemp -d)
git clone -q --depth 1 --branch "$MODELAUDIT_REF" "$MODELAUDIT_GIT" "$src"
make -C "$src" -s
$sudo make -C "$src" -s install PREFIX=/usr/local
modelaudit --version
