%% The agent an Erlang node runs (one gen_server, registered as driftscope_agent unless
%% told otherwise): it says hello, reports the attached replicas every tick over HTTP
%% ingest, follows the collector's config through the long poll (driftscope_config_poll,
%% a linked process) and acknowledges it, and says bye on stop (protocol §3, §8).
%%
%% The node's calls (issued/2, merged/6, sent/4, received/4) check their arguments in the
%% caller, raising {invalid, What, Why} there, and then cast: telemetry never blocks the
%% node. A failed report is not lost: nothing is committed until the collector accepted
%% it, and the next tick (after a backoff) carries it all.
-module(driftscope_agent).
-behaviour(gen_server).

-export([start_link/1, start/1, attach/4, attach/5, report_gossip/1, report_gossip/2, issued/2, issued/3, merged/6, merged/7,
         sent/4, sent/5, received/4, received/5, flush/0, flush/1, status/0, status/1, stop/0, stop/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-define(NAME, ?MODULE).
-define(PROTOCOL, 1).
-define(CLOCK_PROBES, 5).          % samples right after each hello; every answer adds one
-define(MAX_EVENTS, 64).           % sampled sync events per report; counters stay exact
-define(REFUSED_DELAY_MS, 10000).  % a refusal (bad token) is not retried quickly
-define(CALL_TIMEOUT_MS, 30000).   % longer than one HTTP exchange with its timeouts
-define(STOP_TIMEOUT_MS, 60000).   % a last report and a bye tried twice, each up to 10 s

%% ---- starting ------------------------------------------------------------------------

%% Opts: url (default "http://127.0.0.1:7420"), agent_id (binary), token (binary, or
%% undefined), node_name (binary), report_interval_ms (integer ms, or undefined: the
%% collector's), on_config (fun(Config :: map()) -> ok | {error, Reason}), capabilities
%% (the config sections the node applies, of gossip | workload | faults; default [gossip]
%% with on_config, [] without: an acknowledgement covers those only), gossip (for a node
%% that runs its own gossip: #{interval_ms, fanout, mode, payload} as it runs them),
%% name (atom).
start_link(Opts) -> gen_server:start_link({local, name(Opts)}, ?MODULE, check_opts(Opts), []).
start(Opts) -> gen_server:start({local, name(Opts)}, ?MODULE, check_opts(Opts), []).

%% Starts observing a replica that implements the driftscope_replica behaviour.
attach(ReplicaId, CrdtType, Module, Ref) -> attach(?NAME, ReplicaId, CrdtType, Module, Ref).
attach(Agent, ReplicaId, CrdtType, Module, Ref) ->
    Id = driftscope_check:id(ReplicaId, replica_id),
    Type = driftscope_check:id(CrdtType, crdt_type),
    is_atom(Module) orelse erlang:error({invalid, module, "must be the module implementing driftscope_replica"}),
    gen_server:call(Agent, {attach, Id, Type, Module, Ref}, ?CALL_TIMEOUT_MS).

%% The gossip settings this node now runs on its own (#{interval_ms, fanout, mode,
%% payload}); a new hello says so, and the theory line follows what most replicas run.
report_gossip(Settings) -> report_gossip(?NAME, Settings).
report_gossip(Agent, Settings) -> gen_server:call(Agent, {gossip, gossip_json(Settings)}, ?CALL_TIMEOUT_MS).

%% ---- what the node tells (any process) ---------------------------------------------------

%% Replica ReplicaId issued its update number Seq (1, 2, 3...).
issued(ReplicaId, Seq) -> issued(?NAME, ReplicaId, Seq).
issued(Agent, ReplicaId, Seq) ->
    gen_server:cast(Agent, {issued, driftscope_check:id(ReplicaId, replica_id), driftscope_check:seq(Seq, seq), driftscope_clock:own_ms()}).

%% ReplicaId merged a payload of Kind (full | delta | digest | request | ack) and Bytes from
%% Peer; its vectors before and after the merge tell which dots it took in.
merged(ReplicaId, Peer, Kind, Bytes, VVBefore, VVAfter) -> merged(?NAME, ReplicaId, Peer, Kind, Bytes, VVBefore, VVAfter).
merged(Agent, ReplicaId, Peer, Kind, Bytes, VVBefore, VVAfter) ->
    Event = event(ReplicaId, <<"merged">>, Peer, Kind, Bytes),
    gen_server:cast(Agent, {merged, Event, driftscope_check:vector(VVBefore, vv_before), driftscope_check:vector(VVAfter, vv_after)}).

sent(ReplicaId, Peer, Kind, Bytes) -> sent(?NAME, ReplicaId, Peer, Kind, Bytes).
sent(Agent, ReplicaId, Peer, Kind, Bytes) -> gen_server:cast(Agent, {sent, event(ReplicaId, <<"sent">>, Peer, Kind, Bytes)}).

%% A payload that was not merged (a digest, a request).
received(ReplicaId, Peer, Kind, Bytes) -> received(?NAME, ReplicaId, Peer, Kind, Bytes).
received(Agent, ReplicaId, Peer, Kind, Bytes) -> gen_server:cast(Agent, {received, event(ReplicaId, <<"received">>, Peer, Kind, Bytes)}).

%% Sends a report now: {ok, IngestAnswer} or {error, Why}.
flush() -> flush(?NAME).
flush(Agent) -> gen_server:call(Agent, flush, ?CALL_TIMEOUT_MS).

status() -> status(?NAME).
status(Agent) -> gen_server:call(Agent, status, ?CALL_TIMEOUT_MS).

%% A last report, then bye: the replicas leave the membership instead of turning unreachable.
stop() -> stop(?NAME).
stop(Agent) -> gen_server:call(Agent, stop, ?STOP_TIMEOUT_MS).

%% ---- gen_server ---------------------------------------------------------------------------

init(Opts) ->
    process_flag(trap_exit, true),
    PollProfile = list_to_atom(atom_to_list(maps:get(name, Opts, ?NAME)) ++ "_poll"),
    case inets:start(httpc, [{profile, PollProfile}]) of
        {ok, _} -> ok;
        {error, {already_started, _}} -> ok
    end,
    Conn = #{url => maps:get(url, Opts), token => maps:get(token, Opts), profile => default},
    Self = self(),
    Poller = driftscope_config_poll:start_link(Self, Conn#{profile := PollProfile}, maps:get(agent_id, Opts)),
    self() ! tick,
    {ok, Opts#{conn => Conn, poller => Poller, interval_ms => maps:get(report_interval_ms, Opts, undefined),
               replicas => #{}, order => [], report_seq => 0, every_k => 1, config => undefined,
               seen_version => undefined, need_hello => true, welcomed => false, clock => driftscope_clock:new(),
               events => {0, []}, skipped => 0, failures => 0, timer => undefined, pending => [], reports_sent => 0}}.

handle_call({attach, Id, Type, Module, Ref}, _From, S = #{replicas := Rs, order := Order}) ->
    case maps:is_key(Id, Rs) of
        true -> {reply, {error, {already_attached, Id}}, S};
        false ->
            T = driftscope_telemetry:new(Id, Type, Module, Ref),
            {reply, ok, S#{replicas := Rs#{Id => T}, order := Order ++ [Id], need_hello := true}}
    end;
handle_call({gossip, Gossip}, _From, S) -> {reply, ok, S#{gossip := Gossip, need_hello := true}};
handle_call(flush, _From, S) ->
    {Result, S1} = case maps:get(need_hello, S) of
                       true -> hello(S);
                       false -> report(S)
                   end,
    {reply, Result, S1};
handle_call(status, _From, S) ->
    {reply, #{config_version => version_of(maps:get(config, S)), clock => driftscope_clock:estimate(maps:get(clock, S)),
              reports_sent => maps:get(reports_sent, S), trace_every_k => maps:get(every_k, S),
              welcomed => maps:get(welcomed, S), report_interval_ms => interval(S)}, S};
handle_call(poll_after, _From, S = #{welcomed := true, seen_version := V}) when is_integer(V) -> {reply, {ok, V}, S};
handle_call(poll_after, _From, S) -> {reply, not_yet, S};
handle_call(stop, _From, S) ->
    S1 = case maps:get(welcomed, S) of
             true -> element(2, report(S));
             false -> S
         end,
    Bye = #{<<"type">> => <<"bye">>, <<"agentId">> => maps:get(agent_id, S1), <<"reason">> => <<"shutdown">>},
    Said = post_with_retries(maps:get(conn, S1), [Bye], 2),
    {stop, normal, Said, S1}.

handle_cast({issued, Id, Seq, OwnMs}, S) ->
    {noreply, with_replica(Id, S, fun(T) -> driftscope_telemetry:issued(Seq, collector_ms(OwnMs, S), maps:get(every_k, S), T) end)};
handle_cast({merged, Event = #{<<"replica">> := Id, <<"bytes">> := Bytes, <<"timeMs">> := OwnMs}, Before, After}, S) ->
    Time = collector_ms(OwnMs, S),
    S1 = with_replica(Id, S, fun(T) -> element(2, driftscope_telemetry:merged(Before, After, Bytes, Time, maps:get(every_k, S), T)) end),
    {noreply, sample(Event#{<<"timeMs">> := Time, <<"changed">> => Before =/= After}, S1)};
handle_cast({sent, Event = #{<<"replica">> := Id, <<"kind">> := Kind, <<"bytes">> := Bytes}}, S) ->
    {noreply, sample(stamped(Event, S), with_replica(Id, S, fun(T) -> driftscope_telemetry:sent(Kind, Bytes, T) end))};
handle_cast({received, Event = #{<<"replica">> := Id, <<"bytes">> := Bytes}}, S) ->
    {noreply, sample(stamped(Event, S), with_replica(Id, S, fun(T) -> driftscope_telemetry:received(Bytes, T) end))}.

handle_info(tick, S = #{order := []}) ->
    {noreply, schedule(ok, S)}; % nothing to say hello for yet
handle_info(tick, S) ->
    {Result, S1} = case maps:get(need_hello, S) of
                       true ->
                           case hello(S) of
                               {{ok, _}, S2} -> {ok, probe_clock(?CLOCK_PROBES, S2)};
                               Other -> Other
                           end;
                       false -> report(S)
                   end,
    {noreply, schedule(Result, S1)};
handle_info({polled_config, Config}, S) -> {noreply, deliver_config(Config, S)};
handle_info(need_hello, S) -> {noreply, S#{need_hello := true, welcomed := false}};
handle_info({'EXIT', Poller, Reason}, S = #{poller := Poller}) -> {stop, {poller_died, Reason}, S};
handle_info(_, S) -> {noreply, S}.

terminate(_Reason, #{poller := Poller}) ->
    unlink(Poller),
    exit(Poller, kill).

%% ---- hello, reports, config ---------------------------------------------------------------

hello(S = #{agent_id := AgentId, order := Order, replicas := Rs}) ->
    Hello = maps:from_list(
              [{<<"type">>, <<"hello">>}, {<<"protocol">>, ?PROTOCOL}, {<<"agentId">>, AgentId},
               {<<"node">>, #{<<"name">> => maps:get(node_name, S), <<"language">> => <<"erlang">>,
                              <<"pid">> => list_to_integer(os:getpid()), <<"host">> => host()}},
               {<<"replicas">>, [#{<<"id">> => Id, <<"crdtType">> => maps:get(crdt_type, maps:get(Id, Rs))} || Id <- Order]},
               {<<"clock">>, #{<<"agentTimeMs">> => driftscope_clock:own_ms()}},
               {<<"capabilities">>, maps:get(capabilities, S)}]
              ++ [{<<"gossip">>, G} || G <- [maps:get(gossip, S)], G =/= undefined]
              ++ [{<<"token">>, T} || T <- [maps:get(token, S)], T =/= undefined]
              ++ [{<<"reportIntervalMs">>, I} || I <- [maps:get(report_interval_ms, S)], I =/= undefined]),
    Fresh = S#{replicas := maps:map(fun(_, T) -> driftscope_telemetry:request_full(T) end, Rs)},
    case post(Fresh, [Hello]) of
        {{ok, #{<<"accepted">> := 0, <<"rejected">> := Rejected}}, S1} -> {{error, {hello_refused, Rejected}}, S1};
        {{ok, Answer}, S1} ->
            Interval = case maps:get(report_interval_ms, S) of
                           undefined -> maps:get(<<"reportIntervalMs">>, Answer, 500);
                           Asked -> Asked
                       end,
            S2 = S1#{need_hello := false, welcomed := true, interval_ms := Interval},
            {{ok, Answer}, maybe_config(Answer, S2)};
        Failed -> Failed
    end.

probe_clock(0, S) -> S;
probe_clock(N, S) -> probe_clock(N - 1, element(2, post(S, []))).

report(S = #{agent_id := AgentId, order := Order, replicas := Rs, report_seq := Seq0, events := {_, Events}, skipped := Skipped}) ->
    ConfigVersion = case maps:get(on_config, S) of undefined -> undefined; _ -> version_of(maps:get(config, S)) end,
    Cuts = [{Id, cut(maps:get(Id, Rs), ConfigVersion)} || Id <- Order],
    Seq = Seq0 + 1,
    Dropped = lists:sum([maps:get(dropped, maps:get(Id, Rs)) || Id <- Order]),
    Report = maps:from_list(
               [{<<"type">>, <<"report">>}, {<<"agentId">>, AgentId}, {<<"seq">>, Seq},
                {<<"timeMs">>, driftscope_clock:now_ms(maps:get(clock, S))},
                {<<"replicas">>, [Entry || {_, {Entry, _}} <- Cuts]}]
               ++ [{<<"clock">>, #{<<"offsetMs">> => O, <<"rttMs">> => R}} || {O, R} <- [driftscope_clock:estimate(maps:get(clock, S))]]
               ++ [{<<"dropped">>, #{<<"reports">> => Dropped, <<"events">> => Skipped}} || Dropped + Skipped > 0]
               ++ [{<<"events">>, lists:reverse(Events)} || Events =/= []]),
    S0 = S#{report_seq := Seq},
    case post(S0, [Report]) of
        {{ok, Answer}, S1 = #{replicas := Rs1}} ->
            Committed = lists:foldl(fun({Id, {_, Cut}}, Acc) when Cut =/= skipped -> Acc#{Id := driftscope_telemetry:commit(Cut, maps:get(Id, Acc))};
                                       (_, Acc) -> Acc
                                    end, Rs1, Cuts),
            S2 = S1#{replicas := request_full(maps:get(<<"requestFull">>, Answer, false), Committed),
                     events := {0, []}, skipped := 0, reports_sent := maps:get(reports_sent, S1) + 1},
            {{ok, Answer}, maybe_config(Answer, rejected(maps:get(<<"rejected">>, Answer, []), S2))};
        Failed -> Failed
    end.

%% A replica whose callbacks fail still appears (its heartbeat), with no changes.
cut(T = #{id := Id}, ConfigVersion) ->
    try driftscope_telemetry:cut(ConfigVersion, T)
    catch Class:Reason ->
            logger:warning("driftscope: replica ~ts could not be read: ~p:~p", [Id, Class, Reason]),
            {#{<<"replica">> => Id, <<"seq">> => maps:get(own_seq, T), <<"vv">> => [],
               <<"sync">> => maps:get(sync, T)}, skipped}
    end.

request_full(true, Rs) -> maps:map(fun(_, T) -> driftscope_telemetry:request_full(T) end, Rs);
request_full(Ids, Rs) when is_list(Ids) ->
    lists:foldl(fun(Id, Acc) -> case Acc of #{Id := T} -> Acc#{Id := driftscope_telemetry:request_full(T)}; _ -> Acc end end, Rs, Ids);
request_full(_, Rs) -> Rs.

rejected([], S) -> S;
rejected([#{<<"code">> := <<"NOT_FOUND">>} | _], S) -> S#{need_hello := true, welcomed := false};
rejected([R | _], S = #{replicas := Rs}) ->
    % Resynchronise whatever the collector may have missed.
    logger:warning("driftscope: the collector refused our report: ~p", [R]),
    S#{replicas := request_full(true, Rs)}.

maybe_config(#{<<"config">> := Config}, S) -> deliver_config(Config, S);
maybe_config(_, S) -> S.

%% Applies a config from either channel once per version, then acknowledges it. An ack
%% that cannot be delivered now rides with the next report.
deliver_config(#{<<"version">> := V}, S = #{seen_version := V}) -> S;
deliver_config(Config = #{<<"version">> := V}, S) ->
    K = maps:get(<<"traceEveryK">>, maps:get(<<"telemetry">>, Config, #{}), maps:get(every_k, S)),
    S1 = S#{seen_version := V, every_k := K},
    case {maps:get(on_config, S), maps:get(order, S)} of
        {undefined, _} -> S1#{config := Config};
        {Apply, Ids} ->
            Outcome = try Apply(Config) catch Class:Reason -> {error, {Class, Reason}} end,
            Ack0 = #{<<"type">> => <<"config-ack">>, <<"agentId">> => maps:get(agent_id, S), <<"version">> => V, <<"replicas">> => Ids},
            {Ack, S2} = case Outcome of
                            ok -> {Ack0#{<<"ok">> => true}, S1#{config := Config}};
                            Refused ->
                                Why = refusal_text(Refused),
                                {Ack0#{<<"ok">> => false, <<"error">> => #{<<"code">> => <<"VALIDATION">>, <<"message">> => binary:part(Why, 0, min(2048, byte_size(Why)))}}, S1}
                        end,
            case Ids of
                [] -> S2;
                _ -> element(2, post(S2#{pending := maps:get(pending, S2) ++ [Ack]}, []))
            end
    end.

%% What a refusing on_config said, as the ack's error message.
refusal_text({error, Reason}) when is_binary(Reason) -> Reason;
refusal_text({error, [C | _] = Reason}) when is_integer(C) -> unicode:characters_to_binary(Reason);
refusal_text({error, Reason}) -> unicode:characters_to_binary(io_lib:format("~0tp", [Reason]));
refusal_text(Other) -> unicode:characters_to_binary(io_lib:format("on_config returned ~0tp (expected ok or {error, Reason})", [Other])).

%% One ingest request carrying Messages after any pending acks; on an answer the clock
%% gets a sample and the pending acks are delivered.
post(S = #{conn := Conn, pending := Pending}, Messages) ->
    case driftscope_http:post_ingest(Conn, Pending ++ Messages) of
        {ok, _Status, Answer = #{<<"collectorTimeMs">> := C}, {T0, T1}} ->
            S1 = S#{clock := driftscope_clock:add(T0, T1, C, maps:get(clock, S)), pending := [], failures := 0},
            {{ok, strip_pending(length(Pending), Answer)}, S1};
        {retry, AfterMs, Why} -> {{retry, AfterMs, Why}, S};
        {refused, Status, Body} -> {{refused, Status, Body}, S}
    end.

%% Rejections counted from our own messages (pending acks went first in the body).
strip_pending(0, Answer) -> Answer;
strip_pending(N, Answer = #{<<"rejected">> := Rejected}) ->
    Answer#{<<"rejected">> := [R#{<<"line">> := L - N} || R = #{<<"line">> := L} <- Rejected, L > N]}.

post_with_retries(Conn, Messages, Attempts) ->
    case driftscope_http:post_ingest(Conn, Messages) of
        {ok, _, _, _} -> ok;
        {retry, _, _} when Attempts > 1 ->
            timer:sleep(driftscope_http:backoff_ms(0)),
            post_with_retries(Conn, Messages, Attempts - 1);
        Failed -> {error, Failed}
    end.

schedule(Result, S) ->
    Failures = maps:get(failures, S),
    {Delay, S1} = case Result of
                      ok -> {interval(S), S};
                      {ok, _} -> {interval(S), S};
                      {retry, undefined, Why} ->
                          logger:notice("driftscope: collector unavailable (~p); retrying", [Why]),
                          {driftscope_http:backoff_ms(Failures), S#{failures := Failures + 1}};
                      {retry, AfterMs, _} -> {AfterMs, S#{failures := Failures + 1}};
                      {refused, Status, Body} ->
                          logger:warning("driftscope: the collector refused us (~p): ~p", [Status, Body]),
                          {?REFUSED_DELAY_MS, S};
                      {error, Why} ->
                          logger:warning("driftscope: ~p", [Why]),
                          {?REFUSED_DELAY_MS, S}
                  end,
    S1#{timer := erlang:send_after(Delay, self(), tick)}.

%% ---- helpers --------------------------------------------------------------------------------

check_opts(Opts) when is_map(Opts) ->
    Url = case maps:get(url, Opts, "http://127.0.0.1:7420") of
              U when is_binary(U) -> binary_to_list(U);
              [C | _] = U when is_integer(C) -> U;
              U -> erlang:error({invalid, url, lists:flatten(io_lib:format("must be a string or binary such as \"http://127.0.0.1:7420\", got ~0tp", [U]))})
          end,
    Interval = case maps:get(report_interval_ms, Opts, undefined) of
                   undefined -> undefined;
                   Ms -> driftscope_check:interval_ms(Ms, {report_interval_ms, 50})
               end,
    OnConfig = case maps:get(on_config, Opts, undefined) of
                   undefined -> undefined;
                   F when is_function(F, 1) -> F;
                   F -> erlang:error({invalid, on_config, lists:flatten(io_lib:format("must be a fun of one argument (the config map), got ~0tp", [F]))})
               end,
    AgentId = driftscope_check:id(maps:get(agent_id, Opts, default_agent_id()), agent_id),
    Capabilities = case maps:get(capabilities, Opts, default) of
                       default when OnConfig =/= undefined -> [<<"gossip">>];
                       default -> [];
                       Cs when is_list(Cs) -> lists:usort([capability(C) || C <- Cs]);
                       Cs -> erlang:error({invalid, capabilities, lists:flatten(io_lib:format("must be a list of gossip, workload, faults, got ~0tp", [Cs]))})
                   end,
    #{url => string:trim(Url, trailing, "/"), agent_id => AgentId,
      token => driftscope_check:optional_binary(maps:get(token, Opts, undefined), token),
      node_name => driftscope_check:summary(maps:get(node_name, Opts, atom_to_binary(node())), node_name),
      report_interval_ms => Interval, on_config => OnConfig, capabilities => Capabilities,
      gossip => case maps:get(gossip, Opts, undefined) of undefined -> undefined; G -> gossip_json(G) end,
      name => name(Opts)};
check_opts(Opts) -> erlang:error({invalid, options, lists:flatten(io_lib:format("must be a map, got ~0tp", [Opts]))}).

capability(C) when C =:= gossip; C =:= workload; C =:= faults -> atom_to_binary(C);
capability(C) when C =:= <<"gossip">>; C =:= <<"workload">>; C =:= <<"faults">> -> C;
capability(C) -> erlang:error({invalid, capabilities, lists:flatten(io_lib:format("holds ~0tp; the sections are gossip, workload, faults", [C]))}).

%% Running gossip settings, Erlang-style keys in, the wire's out (hello.gossip, §4.1).
gossip_json(G = #{interval_ms := Interval, fanout := Fanout, mode := Mode}) ->
    maps:size(maps:without([interval_ms, fanout, mode, payload], G)) =:= 0
        orelse erlang:error({invalid, gossip, lists:flatten(io_lib:format("has keys other than interval_ms, fanout, mode, payload: ~0tp", [G]))}),
    lists:member(Mode, [push, pull, 'push-pull'])
        orelse erlang:error({invalid, gossip, lists:flatten(io_lib:format("mode must be push, pull or 'push-pull', got ~0tp", [Mode]))}),
    (is_integer(Fanout) andalso Fanout >= 1 andalso Fanout =< 1024)
        orelse erlang:error({invalid, gossip, lists:flatten(io_lib:format("fanout must be an integer in 1..1024, got ~0tp", [Fanout]))}),
    Payload = case maps:get(payload, G, undefined) of
                  undefined -> [];
                  P when P =:= full; P =:= delta; P =:= digest -> [{<<"payload">>, atom_to_binary(P)}];
                  P -> erlang:error({invalid, gossip, lists:flatten(io_lib:format("payload must be full, delta or digest, got ~0tp", [P]))})
              end,
    maps:from_list([{<<"intervalMs">>, driftscope_check:interval_ms(Interval, {gossip_interval_ms, 10, 3600000})},
                    {<<"fanout">>, Fanout}, {<<"mode">>, atom_to_binary(Mode)} | Payload]);
gossip_json(G) ->
    erlang:error({invalid, gossip, lists:flatten(io_lib:format("must be a map with interval_ms, fanout, mode and optionally payload, got ~0tp", [G]))}).

name(Opts) when is_map(Opts) -> maps:get(name, Opts, ?NAME);
name(_) -> ?NAME.

default_agent_id() ->
    Name = re:replace(atom_to_list(node()), "[^A-Za-z0-9._:-]", "_", [global, {return, binary}]),
    <<Name/binary, "-", (list_to_binary(os:getpid()))/binary>>.

host() ->
    {ok, Host} = inet:gethostname(),
    list_to_binary(lists:sublist(Host, 256)).

event(ReplicaId, Dir, Peer, Kind, Bytes) ->
    #{<<"replica">> => driftscope_check:id(ReplicaId, replica_id), <<"dir">> => Dir,
      <<"peer">> => driftscope_check:id(Peer, peer), <<"kind">> => driftscope_check:kind(Kind),
      <<"bytes">> => driftscope_check:bytes(Bytes, bytes), <<"timeMs">> => driftscope_clock:own_ms()}.

stamped(Event = #{<<"timeMs">> := OwnMs}, S) -> Event#{<<"timeMs">> := collector_ms(OwnMs, S)}.

%% Times are taken in the caller's clock and moved to the collector's here.
collector_ms(OwnMs, #{clock := Clock}) ->
    case driftscope_clock:estimate(Clock) of
        undefined -> OwnMs;
        {Offset, _} -> OwnMs + Offset
    end.

sample(Event, S = #{events := {N, Events}}) when N < ?MAX_EVENTS -> S#{events := {N + 1, [Event | Events]}};
sample(_, S = #{skipped := Skipped}) -> S#{skipped := Skipped + 1}.

with_replica(Id, S = #{replicas := Rs}, Fun) ->
    case Rs of
        #{Id := T} ->
            try S#{replicas := Rs#{Id := Fun(T)}}
            catch error:{invalid, _, Why} -> logger:error("driftscope: ~ts", [Why]), S
            end;
        _ ->
            logger:warning("driftscope: replica ~ts is not attached (driftscope_agent:attach/4)", [Id]),
            S
    end.

interval(#{interval_ms := undefined}) -> 500;
interval(#{interval_ms := Ms}) -> Ms.

version_of(undefined) -> undefined;
version_of(#{<<"version">> := V}) -> V.
