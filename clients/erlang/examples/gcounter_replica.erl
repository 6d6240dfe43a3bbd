%% One replica of a state-based grow-only counter, as a process: Counts#{R => N} holds the
%% increments made at replica R, so the state is its own version vector (the increments of
%% R are the dots {R, 1..N}) and a merge (pointwise max) may take in many dots of one
%% origin at once. It updates and gossips on its own timers, tells the agent what it
%% does, and implements driftscope_replica so the agent can read it.
-module(gcounter_replica).
-behaviour(gen_server).
-behaviour(driftscope_replica).

-export([start_link/2, version_vector/1, state_hash/1, state_size/1, summary/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%% Params: #{interval_ms, fanout, mode (push | pull | 'push-pull'), updates_per_sec}.
start_link(Id, Params) -> gen_server:start_link(?MODULE, {Id, Params}, []).

%% ---- driftscope_replica -------------------------------------------------------------------
version_vector(Pid) -> gen_server:call(Pid, counts).
state_hash(Pid) -> binary:encode_hex(erlang:md5(encoded(version_vector(Pid)))).
state_size(Pid) -> byte_size(encoded(version_vector(Pid))).
summary(Pid) -> iolist_to_binary(io_lib:format("count=~b", [lists:sum(maps:values(version_vector(Pid)))])).

%% The canonical encoding: what a gossip message carries and what the hash covers.
encoded(Counts) -> term_to_binary(lists:sort(maps:to_list(Counts))).

%% ---- gen_server -------------------------------------------------------------------------
init({Id, Params}) ->
    rand:seed(exsss, erlang:phash2({Id, erlang:monotonic_time()})),
    % Idle until told: the cluster attaches it to the agent first, so no event goes unseen.
    S = #{id => Id, counts => #{}, peers => [], params => Params, gossiping => false, updating => false},
    % Random phases: the replicas do not tick in step.
    erlang:send_after(rand:uniform(maps:get(interval_ms, Params)), self(), gossip),
    erlang:send_after(rand:uniform(1000), self(), update),
    {ok, S}.

handle_call(counts, _From, S = #{counts := C}) -> {reply, C, S};
handle_call({peers, Peers}, _From, S = #{id := Id}) -> {reply, ok, S#{peers := [P || P = {PeerId, _} <- Peers, PeerId =/= Id]}};
handle_call({params, P}, _From, S) -> {reply, ok, S#{params := P}};
handle_call({set, Key, Value}, _From, S) -> {reply, ok, S#{Key := Value}};
handle_call(sync, _From, S) -> {reply, ok, S};
handle_call(update, _From, S) -> {Seq, S1} = update(S), {reply, Seq, S1}.

handle_cast({state, FromId, Counts, Bytes}, S = #{id := Id, counts := Before}) ->
    After = maps:fold(fun(R, N, Acc) -> Acc#{R => max(N, maps:get(R, Acc, 0))} end, Before, Counts),
    driftscope_agent:merged(Id, FromId, full, Bytes, Before, After),
    {noreply, S#{counts := After}};
handle_cast({pull, FromPid, FromId}, S = #{id := Id, counts := C}) ->
    driftscope_agent:received(Id, FromId, request, 16),
    push(Id, C, {FromId, FromPid}),
    {noreply, S}.

handle_info(update, S = #{updating := Updating, params := #{updates_per_sec := Rate}}) ->
    S1 = case Updating andalso Rate > 0 of
             true -> element(2, update(S));
             false -> S
         end,
    erlang:send_after(case Rate > 0 of true -> max(1, round(1000 / Rate)); false -> 1000 end, self(), update),
    {noreply, S1};
handle_info(gossip, S = #{gossiping := Gossiping, params := P = #{interval_ms := Interval}}) ->
    Gossiping andalso gossip_round(S, P),
    erlang:send_after(Interval, self(), gossip),
    {noreply, S}.

update(S = #{id := Id, counts := C}) ->
    Seq = maps:get(Id, C, 0) + 1,
    driftscope_agent:issued(Id, Seq),
    {Seq, S#{counts := C#{Id => Seq}}}.

gossip_round(#{id := Id, counts := C, peers := Peers}, #{fanout := Fanout, mode := Mode}) ->
    Chosen = lists:sublist([P || {_, P} <- lists:sort([{rand:uniform(), Peer} || Peer <- Peers])], Fanout),
    lists:foreach(
      fun(Peer = {PeerId, PeerPid}) ->
              (Mode =:= push orelse Mode =:= 'push-pull') andalso push(Id, C, Peer),
              case Mode =:= pull orelse Mode =:= 'push-pull' of
                  true ->
                      driftscope_agent:sent(Id, PeerId, request, 16),
                      gen_server:cast(PeerPid, {pull, self(), Id});
                  false -> ok
              end
      end, Chosen).

push(Id, Counts, {PeerId, PeerPid}) ->
    Bytes = byte_size(encoded(Counts)),
    driftscope_agent:sent(Id, PeerId, full, Bytes),
    gen_server:cast(PeerPid, {state, Id, Counts, Bytes}).
