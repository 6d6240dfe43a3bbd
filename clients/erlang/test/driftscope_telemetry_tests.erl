%% A replica's report entries: whole vectors first, then only the changed entries;
%% traced dots by the stride k; included dots worked out from the vectors around a merge.
-module(driftscope_telemetry_tests).
-include_lib("eunit/include/eunit.hrl").
-behaviour(driftscope_replica).
-export([version_vector/1, state_hash/1, state_size/1, summary/1]).

%% A fake replica whose state lives in this process's dictionary.
version_vector(Key) -> get({Key, vv}).
state_hash(Key) -> get({Key, hash}).
state_size(_) -> 10.
summary(_) -> <<"s">>.

fake(VV, Hash) -> put({r, vv}, VV), put({r, hash}, Hash), r.

%% A telemetry for replica r0 whose fake state starts empty.
new() -> driftscope_telemetry:new(<<"r0">>, <<"gcounter">>, ?MODULE, fake(#{}, <<"h0">>)).

report(T) ->
    {Entry, Cut} = driftscope_telemetry:cut(undefined, T),
    {Entry, driftscope_telemetry:commit(Cut, T)}.

whole_vector_first_then_sparse_changes_test() ->
    T0 = new(),
    fake(#{<<"r0">> => 2, <<"r1">> => 5}, <<"h0">>),
    {First, T1} = report(T0),
    ?assertMatch(#{<<"full">> := true, <<"vv">> := [[<<"r0">>, 2], [<<"r1">>, 5]], <<"seq">> := 2, <<"hash">> := <<"h0">>}, First),
    fake(#{<<"r0">> => 2, <<"r1">> => 7, <<"r2">> => 1}, <<"h0">>),
    {Second, T2} = report(T1),
    ?assertEqual([[<<"r1">>, 7], [<<"r2">>, 1]], maps:get(<<"vv">>, Second)),
    ?assertNot(maps:is_key(<<"full">>, Second)),
    ?assertNot(maps:is_key(<<"hash">>, Second)),
    fake(#{<<"r0">> => 2, <<"r1">> => 7, <<"r2">> => 1}, <<"h1">>),
    ?assertMatch({#{<<"hash">> := <<"h1">>}, _}, report(T2)).

an_entry_not_accepted_is_sent_again_test() ->
    {_, T1} = report(new()),
    fake(#{<<"r1">> => 3}, <<"h0">>),
    T2 = driftscope_telemetry:issued(1, 100.0, 1, T1),
    {Lost, _} = driftscope_telemetry:cut(undefined, T2), % never committed
    {Again, T3} = report(T2),
    ?assertEqual(maps:get(<<"vv">>, Lost), maps:get(<<"vv">>, Again)),
    ?assertEqual([[1, 100.0]], maps:get(<<"issued">>, Again)),
    ?assertNot(maps:is_key(<<"issued">>, element(1, report(T3)))).

issued_dots_follow_the_stride_test() ->
    T = lists:foldl(fun(Seq, Acc) -> driftscope_telemetry:issued(Seq, 1000.0 + Seq, 3, Acc) end, new(), lists:seq(1, 7)),
    {Entry, T1} = report(T),
    ?assertEqual([[3, 1003.0], [6, 1006.0]], maps:get(<<"issued">>, Entry)),
    ?assertError({invalid, seq, _}, driftscope_telemetry:issued(7, 0.0, 1, T1)).

a_merge_includes_every_traced_dot_between_the_vectors_test() ->
    {Changed, T} = driftscope_telemetry:merged(#{<<"r0">> => 4, <<"r1">> => 2}, #{<<"r0">> => 4, <<"r1">> => 9, <<"r2">> => 4}, 30, 500.0, 2, new()),
    ?assert(Changed),
    {Entry, T1} = report(T),
    ?assertEqual([[<<"r1">>, 4, 500.0], [<<"r1">>, 6, 500.0], [<<"r1">>, 8, 500.0], [<<"r2">>, 2, 500.0], [<<"r2">>, 4, 500.0]],
                 maps:get(<<"included">>, Entry)),
    ?assertMatch(#{<<"merges">> := 1, <<"changedMerges">> := 1, <<"receivedBytes">> := 30}, maps:get(<<"sync">>, Entry)),
    {Unchanged, T2} = driftscope_telemetry:merged(#{<<"r1">> => 9}, #{<<"r1">> => 9}, 30, 600.0, 2, T1),
    ?assertNot(Unchanged),
    ?assertMatch(#{<<"merges">> := 2, <<"changedMerges">> := 1}, maps:get(<<"sync">>, element(1, report(T2)))).

counters_are_cumulative_with_kinds_test() ->
    T = driftscope_telemetry:sent(<<"request">>, 2, driftscope_telemetry:sent(<<"full">>, 10, new())),
    {_, T1} = report(T),
    {Entry, _} = report(driftscope_telemetry:sent(<<"full">>, 5, T1)),
    ?assertMatch(#{<<"sentMessages">> := 3, <<"sentBytes">> := 17,
                   <<"byKind">> := #{<<"full">> := #{<<"messages">> := 2, <<"bytes">> := 15},
                                     <<"request">> := #{<<"messages">> := 1, <<"bytes">> := 2}}},
                 maps:get(<<"sync">>, Entry)).

request_full_sends_the_whole_vector_again_test() ->
    T0 = new(),
    fake(#{<<"r0">> => 1, <<"r1">> => 1}, <<"h0">>),
    {_, T1} = report(T0),
    {Entry, _} = report(driftscope_telemetry:request_full(T1)),
    ?assertMatch(#{<<"full">> := true, <<"vv">> := [[<<"r0">>, 1], [<<"r1">>, 1]]}, Entry).

a_bad_answer_from_the_replica_raises_test() ->
    T = new(),
    fake([[<<"r1">>, 1]], <<"h0">>),
    ?assertError({invalid, version_vector, _}, driftscope_telemetry:cut(undefined, T)),
    fake(#{}, "h0"),
    ?assertError({invalid, state_hash, _}, driftscope_telemetry:cut(undefined, T)).
