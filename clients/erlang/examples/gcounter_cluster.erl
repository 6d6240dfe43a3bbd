%% Five processes gossiping a state-based grow-only counter, reported to a Driftscope
%% collector and retuned by it (gossip interval, fanout, mode). With a
%% collector on 127.0.0.1:7420 (`npm start`), from clients/erlang after building:
%%
%%   erl -noshell -pa ebin -run gcounter_cluster main http://127.0.0.1:7420 60
%%
%% The tests use start/1, pause/2, update/2 and truth/1 to compare the collector's
%% figures with what the replicas themselves know.
-module(gcounter_cluster).
-export([main/1, start/1, apply_config/2, pause/2, resume/2, update/2, truth/1, params/1, stop/1]).

main([Url, Seconds]) ->
    {ok, _} = application:ensure_all_started(driftscope),
    Cluster = start(#{url => list_to_binary(Url), agent_id => <<"erl-gcounter-", (list_to_binary(os:getpid()))/binary>>}),
    io:format("5 replicas gossiping; reporting to ~s for ~s s~n", [Url, Seconds]),
    timer:sleep(list_to_integer(Seconds) * 1000),
    {_, Missing} = truth(Cluster),
    stop(Cluster),
    io:format("missing updates at the end: ~p~n", [Missing]),
    halt(0);
main([]) -> main(["http://127.0.0.1:7420", "60"]).

%% Starts the agent (under the driftscope application) and N replicas attached to it.
%% Opts: url, agent_id, token, report_interval_ms, n (5), prefix (<<"erl">>), params.
start(Opts) ->
    Params = maps:get(params, Opts, #{interval_ms => 200, fanout => 1, mode => push, updates_per_sec => 5}),
    Table = ets:new(gcounter_cluster, [public, set]),
    ets:insert(Table, [{params, Params}, {applied, []}]),
    Ids = [<<(maps:get(prefix, Opts, <<"erl">>))/binary, ".r", (integer_to_binary(I))/binary>> || I <- lists:seq(0, maps:get(n, Opts, 5) - 1)],
    Replicas = [{Id, element(2, {ok, _} = gcounter_replica:start_link(Id, Params))} || Id <- Ids],
    Cluster = #{replicas => Replicas, table => Table},
    [ok = gen_server:call(Pid, {peers, Replicas}) || {_, Pid} <- Replicas],
    AgentOpts = maps:with([url, agent_id, token, report_interval_ms], Opts),
    {ok, _} = driftscope_sup:start_agent(AgentOpts#{node_name => <<"erlang gcounter example">>,
                                                    on_config => fun(Config) -> apply_config(Cluster, Config) end}),
    [ok = driftscope_agent:attach(Id, <<"gcounter">>, gcounter_replica, Pid) || {Id, Pid} <- Replicas],
    ok = resume(Cluster, both),
    Cluster.

%% The agent's on_config. This node applies the gossip section only (the agent's default
%% capabilities, [gossip]): its update rate is its own, and it simulates no faults. A
%% fanout beyond its peers is refused, and nothing is applied.
apply_config(#{replicas := Replicas, table := Table}, #{<<"gossip">> := G, <<"version">> := V}) ->
    Peers = length(Replicas) - 1,
    case maps:get(<<"fanout">>, G) of
        Fanout when Fanout > Peers ->
            {error, iolist_to_binary(io_lib:format("fanout ~b is more than the ~b peers a replica has here", [Fanout, Peers]))};
        Fanout ->
            [{params, Params0}] = ets:lookup(Table, params),
            Params = Params0#{interval_ms := maps:get(<<"intervalMs">>, G), fanout := Fanout,
                              mode := binary_to_atom(maps:get(<<"mode">>, G))},
            [ok = gen_server:call(Pid, {params, Params}) || {_, Pid} <- Replicas],
            [{applied, Applied}] = ets:lookup(Table, applied),
            ets:insert(Table, [{params, Params}, {applied, Applied ++ [V]}]),
            ok
    end.

params(#{table := Table}) ->
    [{params, P}] = ets:lookup(Table, params),
    [{applied, A}] = ets:lookup(Table, applied),
    P#{applied => A}.

%% What: gossip | updates | both. Returns once nothing is in flight: every state sent
%% before is merged (local sends are in the receiver's mailbox at once, and a round of
%% `sync` calls drains them; a second round drains the answers to pulls).
pause(#{replicas := Replicas}, What) ->
    [ok = gen_server:call(Pid, {set, Key, false}) || {_, Pid} <- Replicas, Key <- keys(What)],
    [ok = gen_server:call(Pid, sync) || _ <- [1, 2], {_, Pid} <- Replicas],
    ok.

resume(#{replicas := Replicas}, What) ->
    [ok = gen_server:call(Pid, {set, Key, true}) || {_, Pid} <- Replicas, Key <- keys(What)],
    ok.

keys(gossip) -> [gossiping];
keys(updates) -> [updating];
keys(both) -> [gossiping, updating].

%% One update at replica number I (0-based); returns its seq.
update(#{replicas := Replicas}, I) ->
    {_, Pid} = lists:nth(I + 1, Replicas),
    gen_server:call(Pid, update).

%% Each replica's vector, and its missing updates: sum over origins of F[r] - VV_i[r],
%% with F the highest seq of each origin over the replicas (all are live members).
truth(#{replicas := Replicas}) ->
    Vectors = maps:from_list([{Id, gen_server:call(Pid, counts)} || {Id, Pid} <- Replicas]),
    Frontier = maps:fold(fun(_, VV, F) -> maps:fold(fun(O, S, Acc) -> Acc#{O => max(S, maps:get(O, Acc, 0))} end, F, VV) end, #{}, Vectors),
    Missing = maps:map(fun(_, VV) -> lists:sum([S - maps:get(O, VV, 0) || {O, S} <- maps:to_list(Frontier)]) end, Vectors),
    {Vectors, Missing}.

%% Bye first (the replicas leave the membership), then the replicas.
stop(#{replicas := Replicas, table := Table}) ->
    Said = driftscope_agent:stop(),
    [begin unlink(Pid), exit(Pid, shutdown) end || {_, Pid} <- Replicas],
    ets:delete(Table),
    Said.
