#!/bin/sh
# Builds the application, the example and the tests with plain erlc into ebin/, then runs
# the EUnit suites; the counts go to $DRIFTSCOPE_CLIENT_RESULTS for the Node runner.
set -eu
cd "$(dirname "$0")/.."
APT="sudo apt-get install -y --no-install-recommends erlang-base erlang-inets erlang-jiffy erlang-eunit erlang-dev"
if ! erl -noshell -eval 'halt(case {code:which(jiffy), code:which(eunit), code:which(httpc)} of {non_existing, _, _} -> 1; {_, non_existing, _} -> 1; {_, _, non_existing} -> 1; _ -> 0 end).'; then
  echo "Erlang is here but jiffy, eunit (with its header, in erlang-dev) or inets is not. Install them with:" >&2
  echo "" >&2
  echo "    $APT" >&2
  exit 1
fi
rm -rf ebin && mkdir -p ebin
erlc -Wall -Werror -o ebin src/*.erl
erlc -Wall -Werror -pa ebin -o ebin examples/*.erl test/*.erl
cp src/driftscope.app.src ebin/driftscope.app
exec erl -noshell -pa ebin -eval '
  Counts = case os:getenv("DRIFTSCOPE_CLIENT_RESULTS") of false -> []; File -> [{report, {driftscope_eunit_counts, [{file, File}]}}] end,
  Modules = [driftscope_check_tests, driftscope_telemetry_tests, driftscope_http_tests, driftscope_live_tests],
  halt(case eunit:test(Modules, [verbose | Counts]) of ok -> 0; _ -> 1 end).'
