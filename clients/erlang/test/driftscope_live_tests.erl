%% Five gossiping processes of the example, reported to a real collector (started by the
%% Node runner, which sets DRIFTSCOPE_URL and the tokens): what the collector shows through
%% GET /api/v1/cluster and /api/v1/replicas/:id must match what the replicas themselves
%% know. The scenario runs once in the setup; each test checks one thing a user would see.
-module(driftscope_live_tests).
-include_lib("eunit/include/eunit.hrl").
-behaviour(driftscope_replica).
-export([version_vector/1, state_hash/1, state_size/1, summary/1]).

%% Static replicas for the own-gossip test: Ref is the replica id, its state one update.
version_vector(Id) -> #{Id => 1}.
state_hash(_) -> <<"static">>.
state_size(_) -> 1.
summary(_) -> <<"static">>.

-define(IDS, [<<"erl.r", (integer_to_binary(I))/binary>> || I <- lists:seq(0, 4)]).

live_cluster_test_() ->
    {setup, fun scenario/0, fun(_) -> ok end,
     fun(Seen) ->
             [{"five replicas live", fun() -> five_live(Seen) end},
              {"a config change is applied and acknowledged", fun() -> config_acked(Seen) end},
              {"missing counts equal the truth while diverged", fun() -> diverged(Seen) end},
              {"missing counts are zero once converged", fun() -> converged(Seen) end},
              {"convergence samples of traced dots only", fun() -> samples(Seen) end},
              {"a config the node cannot apply is refused with its reason", fun() -> refused(Seen) end},
              {"bye takes the replicas out", fun() -> ?assertEqual(#{}, maps:get(after_bye, Seen)) end}]
     end}.

five_live(#{live := Live}) ->
    ?assertEqual(?IDS, lists:sort(maps:keys(Live))),
    [?assertMatch(#{<<"status">> := <<"live">>, <<"crdtType">> := <<"gcounter">>}, R) || R <- maps:values(Live)].

config_acked(#{version := V, acked := Acked, params := Params, trace_every_k := K}) ->
    ?assertEqual([V], lists:usort([maps:get(<<"configVersion">>, R) || R <- maps:values(Acked)])),
    ?assertMatch(#{interval_ms := 150, fanout := 1, mode := push}, Params),
    ?assert(lists:member(V, maps:get(applied, Params))),
    ?assertEqual(2, K).

diverged(#{diverged := {Truth, Shown}}) ->
    ?assert(lists:sum(maps:values(Truth)) > 0), % the scenario did diverge
    ?assertEqual(Truth, Shown).

converged(#{converged := {Truth, Shown}}) ->
    ?assertEqual(maps:from_list([{Id, 0} || Id <- ?IDS]), Truth),
    ?assertEqual(Truth, Shown).

refused(#{refusals := Refusals, after_refusal := After, version := V}) ->
    ?assertMatch([#{<<"detail">> := _}], Refusals),
    [#{<<"detail">> := Detail}] = Refusals,
    ?assertNotEqual(nomatch, string:find(Detail, <<"4 peers">>)),
    % The replicas still run the version they acknowledged.
    ?assertEqual([V], lists:usort([maps:get(<<"configVersion">>, R) || R <- maps:values(After)])).

samples(#{samples := Samples}) ->
    ?assert(length(Samples) >= 10),
    [?assertEqual(0, Seq rem 2) || [_, Seq, _, _] <- Samples],
    [?assert(Ms >= 0) || [_, _, _, Ms] <- Samples].

scenario() ->
    Url = url(),
    {ok, _} = application:ensure_all_started(driftscope),
    Cluster = gcounter_cluster:start(#{url => Url, agent_id => <<"erl-test-node">>, token => token(),
                                       report_interval_ms => 200, prefix => <<"erl">>}),
    try
        Live = wait_for(fun ours/0, fun(R) -> map_size(R) =:= 5 andalso all_status(R, <<"live">>) end, 15000),

        % A config change, as a slider makes it: applied by the node, acknowledged.
        #{<<"version">> := V} = put_config(#{gossip => #{intervalMs => 150, fanout => 1, mode => push}, telemetry => #{traceEveryK => 2}}),
        Acked = wait_for(fun ours/0, fun(R) -> lists:all(fun(X) -> maps:get(<<"configVersion">>, X) =:= V end, maps:values(R)) end, 15000),
        #{trace_every_k := K, clock := {Offset, _}} = driftscope_agent:status(),
        TracedFromMs = driftscope_clock:own_ms() + Offset + 500,

        % Convergence samples of dots issued under the new stride.
        Later = fun() -> [S || S = [<<"erl.", _/binary>>, _, IssuedAt, _] <- maps:get(<<"samples">>, get_json("/api/v1/cluster")), IssuedAt > TracedFromMs] end,
        Samples = wait_for(Later, fun(S) -> length(S) >= 10 end, 15000),

        % Diverged on purpose: no gossip, a few known updates, then one report.
        ok = gcounter_cluster:pause(Cluster, both),
        [gcounter_cluster:update(Cluster, I) || I <- [0, 0, 0, 2]],
        {_, Truth1} = gcounter_cluster:truth(Cluster),
        {ok, _} = driftscope_agent:flush(),
        Shown1 = wait_for(fun collector_missing/0, fun(M) -> M =:= Truth1 end, 5000),

        % Gossip only, until the replicas agree; then the collector must say so.
        ok = gcounter_cluster:resume(Cluster, gossip),
        wait_for(fun() -> element(2, gcounter_cluster:truth(Cluster)) end, fun(M) -> lists:sum(maps:values(M)) =:= 0 end, 20000),
        ok = gcounter_cluster:pause(Cluster, both),
        {_, Truth2} = gcounter_cluster:truth(Cluster),
        {ok, _} = driftscope_agent:flush(),
        Shown2 = wait_for(fun collector_missing/0, fun(M) -> M =:= Truth2 end, 5000),

        % A config the node cannot apply (more fanout than it has peers): refused, with its reason.
        #{<<"version">> := Refused} = put_config(#{gossip => #{fanout => 8}}),
        Refusals = fun() -> [E || E = #{<<"version">> := EV, <<"summary">> := Summary} <- maps:get(<<"events">>, get_json("/api/v1/cluster")),
                                  EV =:= Refused, string:find(Summary, <<"refused">>) =/= nomatch] end,
        RefusalEvents = wait_for(Refusals, fun(R) -> R =/= [] end, 15000),
        Seen = #{live => Live, version => V, acked => Acked, params => gcounter_cluster:params(Cluster), trace_every_k => K,
                 samples => Samples, diverged => {Truth1, Shown1}, converged => {Truth2, Shown2},
                 refusals => RefusalEvents, after_refusal => ours()},
        ok = gcounter_cluster:stop(Cluster),
        % The snapshot's membership follows at the next frame.
        Seen#{after_bye => wait_for(fun ours/0, fun(R) -> map_size(R) =:= 0 end, 5000)}
    catch Class:Reason:Stack ->
            catch gcounter_cluster:stop(Cluster),
            erlang:raise(Class, Reason, Stack)
    end.

%% The documented channel alone (protocol §8.1): no report carries a configVersion here,
%% so no ingest answer brings the change.
long_poll_alone_test_() ->
    {timeout, 60, fun() ->
        {ok, _} = application:ensure_all_started(driftscope),
        % httpc queues a request behind one in progress on a kept-alive connection: the
        % held poll gets a profile of its own, as in the agent, or the PUT would wait for it.
        inets:start(httpc, [{profile, driftscope_test_poll}]),
        Conn = #{url => binary_to_list(url()), token => token()},
        PollConn = Conn#{profile => driftscope_test_poll},
        Hello = #{type => hello, protocol => 1, agentId => <<"erl-poller">>, node => #{name => <<"poller">>},
                  replicas => [#{id => <<"erlpoll.r0">>, crdtType => <<"gcounter">>}], clock => #{agentTimeMs => 0},
                  capabilities => [config]},
        {ok, 200, #{<<"config">> := #{<<"version">> := Current}}, _} = driftscope_http:post_ingest(Conn, [Hello]),
        Self = self(),
        spawn_link(fun() -> Self ! {polled, driftscope_http:poll_config(PollConn, <<"erl-poller">>, Current, 20000)} end),
        % Time for the poll to be held; had the change come first, the poll would get it at
        % once: the same answer, so this wait decides no outcome.
        timer:sleep(300),
        Changed = #{<<"version">> := V} = put_config(#{gossip => #{fanout => 2}}),
        Polled = receive {polled, P} -> P after 25000 -> timeout end,
        ?assertEqual({config, Changed}, Polled),
        Ack = #{type => 'config-ack', agentId => <<"erl-poller">>, version => V, replicas => [<<"erlpoll.r0">>], ok => true},
        ?assertMatch({ok, 200, #{<<"accepted">> := 1}, _}, driftscope_http:post_ingest(Conn, [Ack])),
        ?assertMatch(#{<<"configVersion">> := V}, get_json("/api/v1/replicas/erlpoll.r0")),
        {ok, 200, _, _} = driftscope_http:post_ingest(Conn, [#{type => bye, agentId => <<"erl-poller">>}])
    end}.

%% A node that runs its own gossip (it declares no gossip capability) says what it runs;
%% the theory line then describes that, not the collector's config.
own_gossip_test_() ->
    {timeout, 60, fun() ->
        {ok, _} = application:ensure_all_started(driftscope),
        {ok, _} = driftscope_agent:start(#{name => driftscope_own, url => url(), token => token(), agent_id => <<"erl-own-gossip">>,
                                           report_interval_ms => 200, capabilities => [],
                                           gossip => #{interval_ms => 700, fanout => 1, mode => push}}),
        [ok = driftscope_agent:attach(driftscope_own, Id, <<"gcounter">>, ?MODULE, Id) || Id <- [<<"own.r0">>, <<"own.r1">>, <<"own.r2">>]],
        Theory = fun() ->
                         case maps:get(<<"frames">>, get_json("/api/v1/cluster")) of
                             [] -> undefined;
                             Frames -> maps:get(<<"theory">>, lists:last(Frames))
                         end
                 end,
        Describes = fun(Interval, Fanout, Mode) ->
                            fun(#{<<"n">> := 3, <<"intervalMs">> := I, <<"fanout">> := F, <<"mode">> := M}) -> {I, F, M} =:= {Interval, Fanout, Mode};
                               (_) -> false
                            end
                    end,
        First = wait_for(Theory, Describes(700, 1, <<"push">>), 15000),
        ok = driftscope_agent:report_gossip(driftscope_own, #{interval_ms => 300, fanout => 2, mode => 'push-pull'}),
        Second = wait_for(Theory, Describes(300, 2, <<"push-pull">>), 15000),
        ok = driftscope_agent:stop(driftscope_own),
        ?assertMatch(#{<<"intervalMs">> := 700, <<"fanout">> := 1, <<"mode">> := <<"push">>}, First),
        ?assertMatch(#{<<"intervalMs">> := 300, <<"fanout">> := 2, <<"mode">> := <<"push-pull">>}, Second)
    end}.

a_wrong_token_is_refused_not_retried_test() ->
    {ok, _} = application:ensure_all_started(driftscope),
    ?assertMatch({refused, 401, #{<<"code">> := <<"UNAUTHORIZED">>}},
                 driftscope_http:post_ingest(#{url => binary_to_list(url()), token => <<"not-the-token">>}, [])).

%% ---- reading the collector ----------------------------------------------------------

url() ->
    case os:getenv("DRIFTSCOPE_URL") of
        false -> erlang:error({no_collector, "run these tests through `npm test` (or node ../runAgainstCollector.mjs), which starts one and sets DRIFTSCOPE_URL"});
        Url -> list_to_binary(Url)
    end.

token() -> list_to_binary(os:getenv("DRIFTSCOPE_TOKEN", "")).

ours() ->
    maps:from_list([{Id, R} || R = #{<<"id">> := <<"erl.", _/binary>> = Id} <- maps:get(<<"replicas">>, get_json("/api/v1/cluster"))]).

all_status(Replicas, Status) -> lists:all(fun(R) -> maps:get(<<"status">>, R) =:= Status end, maps:values(Replicas)).

collector_missing() ->
    maps:from_list([{Id, maps:get(<<"missingUpdates">>, get_json(<<"/api/v1/replicas/", Id/binary>>))} || Id <- ?IDS]).

get_json(Path) ->
    {ok, {{_, 200, _}, _, Body}} = httpc:request(get, {binary_to_list(url()) ++ to_list(Path), []}, [{timeout, 10000}], [{body_format, binary}]),
    jiffy:decode(Body, [return_maps]).

put_config(Patch) ->
    Headers = [{"authorization", "Bearer " ++ os:getenv("DRIFTSCOPE_OPERATOR_TOKEN", "")}],
    {ok, {{_, 200, _}, _, Body}} = httpc:request(put, {binary_to_list(url()) ++ "/api/v1/config", Headers, "application/json", jiffy:encode(Patch)},
                                                 [{timeout, 10000}], [{body_format, binary}]),
    maps:get(<<"config">>, jiffy:decode(Body, [return_maps])).

to_list(B) when is_binary(B) -> binary_to_list(B);
to_list(L) -> L.

%% Reads until Done(Value) holds; returns the last value either way (a bound on the wait,
%% not a measurement: the tests look at the value).
wait_for(Read, Done, TimeoutMs) -> wait_for(Read, Done, erlang:monotonic_time(millisecond) + TimeoutMs, Read()).
wait_for(Read, Done, Deadline, Value) ->
    case Done(Value) orelse erlang:monotonic_time(millisecond) > Deadline of
        true -> Value;
        false -> timer:sleep(100), wait_for(Read, Done, Deadline, Read())
    end.
