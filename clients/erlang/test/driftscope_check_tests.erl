%% The Erlang traps give a clear error in the caller, naming the argument.
-module(driftscope_check_tests).
-include_lib("eunit/include/eunit.hrl").

-define(invalid(What, Expr), ?assertError({invalid, What, _}, Expr)).

reason(Fun) ->
    try Fun(), no_error catch error:{invalid, _, Why} -> Why end.

ids_are_binaries_test() ->
    ?assertEqual(<<"erl.r0">>, driftscope_check:id(<<"erl.r0">>, replica_id)),
    ?invalid(replica_id, driftscope_check:id(<<"a b">>, replica_id)),
    ?invalid(replica_id, driftscope_check:id(<<"__proto__">>, replica_id)),
    ?invalid(replica_id, driftscope_check:id(binary:copy(<<"x">>, 129), replica_id)),
    ?invalid(replica_id, driftscope_check:id(<<>>, replica_id)).

a_string_id_names_the_trap_test() ->
    Why = reason(fun() -> driftscope_check:id("erl.r0", replica_id) end),
    ?assertNotEqual(nomatch, string:find(Why, "a list of integers")),
    ?assertNotEqual(nomatch, string:find(Why, "list_to_binary")).

undefined_is_never_a_value_test() ->
    ?assertNotEqual(nomatch, string:find(reason(fun() -> driftscope_check:id(undefined, agent_id) end), "undefined")),
    ?invalid(state_hash, driftscope_check:hash(undefined, state_hash)),
    ?invalid(summary, driftscope_check:summary(undefined, summary)),
    ?assertEqual(undefined, driftscope_check:optional_binary(undefined, token)),
    ?invalid(token, driftscope_check:optional_binary("secret", token)).

vectors_are_maps_or_tuple_pairs_test() ->
    ?assertEqual(#{<<"a">> => 2}, driftscope_check:vector(#{<<"a">> => 2, <<"b">> => 0}, vv)),
    ?assertEqual(#{<<"a">> => 2, <<"b">> => 3}, driftscope_check:vector([{<<"a">>, 2}, {<<"b">>, 3}], vv)),
    ?assertNotEqual(nomatch, string:find(reason(fun() -> driftscope_check:vector([[<<"a">>, 2]], vv) end), "tuples")),
    ?invalid(vv, driftscope_check:vector([{<<"a">>, 1}, {<<"a">>, 2}], vv)),
    ?invalid(vv, driftscope_check:vector([{"a", 1}], vv)),
    ?invalid(vv, driftscope_check:vector(#{<<"a">> => -1}, vv)),
    ?invalid(vv, driftscope_check:vector(#{<<"a">> => 1.0}, vv)),
    ?invalid(vv, driftscope_check:vector(undefined, vv)).

seconds_are_not_milliseconds_test() ->
    ?assertEqual(500, driftscope_check:interval_ms(500, {report_interval_ms, 50})),
    ?assertNotEqual(nomatch, string:find(reason(fun() -> driftscope_check:interval_ms(2, {report_interval_ms, 50}) end), "seconds")),
    ?invalid(report_interval_ms, driftscope_check:interval_ms(0.5, {report_interval_ms, 50})),
    ?invalid(report_interval_ms, driftscope_check:interval_ms(60001, {report_interval_ms, 50})).

kinds_and_sizes_test() ->
    ?assertEqual(<<"full">>, driftscope_check:kind(full)),
    ?assertEqual(<<"digest">>, driftscope_check:kind(<<"digest">>)),
    ?invalid(kind, driftscope_check:kind(gossip)),
    ?invalid(kind, driftscope_check:kind("full")),
    ?invalid(bytes, driftscope_check:bytes(-1, bytes)).

the_agent_checks_in_the_caller_test() ->
    % No agent is running: the argument error comes first, in this process.
    ?invalid(replica_id, driftscope_agent:issued("erl.r0", 1)),
    ?invalid(seq, driftscope_agent:issued(<<"erl.r0">>, 1.0)),
    ?invalid(vv_after, driftscope_agent:merged(<<"a">>, <<"b">>, full, 10, #{}, [[<<"a">>, 1]])),
    ?invalid(report_interval_ms, driftscope_agent:start(#{agent_id => <<"a">>, report_interval_ms => 1})),
    ?invalid(agent_id, driftscope_agent:start(#{agent_id => "a"})),
    ?invalid(gossip_interval_ms, driftscope_agent:start(#{agent_id => <<"a">>, gossip => #{interval_ms => 2, fanout => 1, mode => push}})),
    ?invalid(gossip, driftscope_agent:start(#{agent_id => <<"a">>, gossip => #{<<"intervalMs">> => 500, fanout => 1, mode => push}})),
    ?invalid(capabilities, driftscope_agent:start(#{agent_id => <<"a">>, capabilities => [config]})).
