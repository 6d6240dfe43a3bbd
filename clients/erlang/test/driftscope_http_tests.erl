-module(driftscope_http_tests).
-include_lib("eunit/include/eunit.hrl").

backoff_doubles_up_to_the_cap_test() ->
    ?assertEqual([250, 500, 1000, 2000, 4000, 8000, 10000, 10000], [driftscope_http:backoff_ms(F, 0.0) || F <- lists:seq(0, 7)]),
    ?assertEqual(125, driftscope_http:backoff_ms(0, 1.0)).

retry_after_test() ->
    ?assertEqual(2000, driftscope_http:retry_after_ms([{"retry-after", "2"}])),
    ?assertEqual(undefined, driftscope_http:retry_after_ms([])),
    ?assertEqual(undefined, driftscope_http:retry_after_ms([{"retry-after", "soon"}])),
    ?assertEqual(0, driftscope_http:retry_after_ms([{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}])).

clock_offset_takes_the_smallest_round_trip_test() ->
    S = lists:foldl(fun({T0, T1, C}, Acc) -> driftscope_clock:add(T0, T1, C, Acc) end, driftscope_clock:new(),
                    [{0, 100, 5050}, {200, 210, 5305}, {300, 340, 5420}]),
    ?assertEqual({5100.0, 10}, driftscope_clock:estimate(S)),
    ?assertEqual(undefined, driftscope_clock:estimate(driftscope_clock:new())).
