%% What the agent accumulates for one replica between reports, and its report entry
%% (protocol §3.3-§3.4, §4.3). An entry is cut from this state and committed only once
%% the collector accepted it: a report that never arrived loses nothing, the next one
%% carries its vector changes and traced dots too. Pure: no messages, no I/O.
-module(driftscope_telemetry).
-export([new/4, issued/4, merged/6, received/2, sent/3, cut/2, commit/2, request_full/1, included_dots/4]).

-define(MAX_ISSUED, 4096).    % issuedPerReplica (§10)
-define(MAX_INCLUDED, 16384). % includedPerReplica (§10)
%% Traced dots kept while the collector is away; beyond that the oldest half goes and the
%% next report says a report's worth was dropped (§3.3), so whole vectors follow.
-define(MAX_PENDING, 65536).

new(Id, CrdtType, Module, Ref) ->
    #{id => Id, crdt_type => CrdtType, module => Module, ref => Ref,
      own_seq => 0, last_issued => 0,
      issued => {0, []}, included => {0, []}, % {Count, newest first}
      sync => #{<<"sentMessages">> => 0, <<"sentBytes">> => 0, <<"receivedMessages">> => 0,
                <<"receivedBytes">> => 0, <<"merges">> => 0, <<"changedMerges">> => 0},
      by_kind => #{}, sent_vv => #{}, sent_digest => undefined, needs_full => true, dropped => 0}.

%% A local update numbered Seq; traced iff Seq rem K == 0 (§3.4).
issued(Seq, TimeMs, K, T = #{id := Id, last_issued := Last}) ->
    Seq =< Last andalso erlang:error({invalid, seq, lists:flatten(io_lib:format(
        "replica ~ts issued seq ~b after ~b: a dot is never reused", [Id, Seq, Last]))}),
    T1 = T#{last_issued := Seq, own_seq := max(Seq, maps:get(own_seq, T))},
    case Seq rem K of
        0 -> keep(issued, [Seq, TimeMs], T1);
        _ -> T1
    end.

%% A payload merged; Before/After are the replica's (checked) vectors around the merge.
%% Returns whether the merge changed the state, as the vectors tell.
merged(Before, After, Bytes, TimeMs, K, T = #{id := Self, sync := Sync}) ->
    Changed = Before =/= After,
    T1 = T#{sync := bump(Sync, [{<<"receivedMessages">>, 1}, {<<"receivedBytes">>, Bytes}, {<<"merges">>, 1},
                                {<<"changedMerges">>, case Changed of true -> 1; false -> 0 end}])},
    T2 = lists:foldl(fun({O, S}, Acc) -> keep(included, [O, S, TimeMs], Acc) end, T1,
                     included_dots(Self, Before, After, K)),
    {Changed, T2}.

%% Traced dots of other origins in (Before[o], After[o]]: one state-based merge may take
%% in many dots of one origin.
included_dots(Self, Before, After, K) ->
    lists:append([[{O, S} || S <- traced_between(maps:get(O, Before, 0), High, K)]
                  || {O, High} <- lists:sort(maps:to_list(After)), O =/= Self]).

traced_between(Low, High, K) when High > Low -> lists:seq((Low div K + 1) * K, High, K);
traced_between(_, _, _) -> [].

received(Bytes, T = #{sync := Sync}) ->
    T#{sync := bump(Sync, [{<<"receivedMessages">>, 1}, {<<"receivedBytes">>, Bytes}])}.

sent(Kind, Bytes, T = #{sync := Sync, by_kind := ByKind}) ->
    #{<<"messages">> := M, <<"bytes">> := B} = maps:get(Kind, ByKind, #{<<"messages">> => 0, <<"bytes">> => 0}),
    T#{sync := bump(Sync, [{<<"sentMessages">>, 1}, {<<"sentBytes">>, Bytes}]),
       by_kind := ByKind#{Kind => #{<<"messages">> => M + 1, <<"bytes">> => B + Bytes}}}.

request_full(T) -> T#{needs_full := true}.

%% The replica's report entry now (a map ready for JSON) and what committing it means.
%% The replica's callbacks are checked like the node's calls: a bad answer raises.
cut(ConfigVersion, T = #{id := Id, module := Mod, ref := Ref}) ->
    VV = driftscope_check:vector(Mod:version_vector(Ref), version_vector),
    Digest = {driftscope_check:hash(Mod:state_hash(Ref), state_hash),
              driftscope_check:bytes(Mod:state_size(Ref), state_size),
              driftscope_check:summary(Mod:summary(Ref), summary)},
    OwnSeq = max(maps:get(own_seq, T), maps:get(Id, VV, 0)),
    #{needs_full := Full, sent_vv := SentVV, sent_digest := SentDigest} = T,
    Pairs = [[O, S] || {O, S} <- lists:sort(maps:to_list(VV)), Full orelse maps:get(O, SentVV, 0) =/= S],
    {Issued, _} = oldest(issued, ?MAX_ISSUED, T),
    {Included, _} = oldest(included, ?MAX_INCLUDED, T),
    {Hash, Size, Summary} = Digest,
    Entry = maps:from_list(
              [{<<"replica">>, Id}, {<<"seq">>, OwnSeq}, {<<"vv">>, Pairs}, {<<"sync">>, sync_json(T)}]
              ++ [{<<"full">>, true} || Full]
              ++ [Pair || Full orelse Digest =/= SentDigest,
                          Pair <- [{<<"hash">>, Hash}, {<<"bytes">>, Size}, {<<"summary">>, Summary}]]
              ++ [{<<"issued">>, Issued} || Issued =/= []]
              ++ [{<<"included">>, Included} || Included =/= []]
              ++ [{<<"configVersion">>, ConfigVersion} || is_integer(ConfigVersion)]),
    {Entry, {VV, Digest, OwnSeq, length(Issued), length(Included), maps:get(dropped, T), Full}}.

commit({VV, Digest, OwnSeq, NIssued, NIncluded, Dropped, WasFull}, T = #{dropped := Dropped}) ->
    T#{sent_vv := VV, sent_digest := Digest, own_seq := max(OwnSeq, maps:get(own_seq, T)),
       needs_full := maps:get(needs_full, T) andalso not WasFull, dropped := 0,
       issued := drop_oldest(NIssued, maps:get(issued, T)),
       included := drop_oldest(NIncluded, maps:get(included, T))};
commit({VV, Digest, _, _, _, Dropped, _}, T = #{dropped := Now}) ->
    % Pending dots overflowed since the cut: keep them all (the collector ignores a dot it
    % has) and stay due a whole vector.
    T#{sent_vv := VV, sent_digest := Digest, dropped := Now - Dropped}.

%% ---- internals -------------------------------------------------------------------------

keep(Key, Item, T) ->
    case maps:get(Key, T) of
        {N, Pending} when N >= ?MAX_PENDING ->
            Kept = lists:sublist(Pending, ?MAX_PENDING div 2),
            T#{Key := {length(Kept) + 1, [Item | Kept]}, dropped := maps:get(dropped, T) + 1, needs_full := true};
        {N, Pending} -> T#{Key := {N + 1, [Item | Pending]}}
    end.

oldest(Key, Max, T) ->
    {N, NewestFirst} = maps:get(Key, T),
    lists:split(min(Max, N), lists:reverse(NewestFirst)).

drop_oldest(Sent, {N, NewestFirst}) -> {N - Sent, lists:sublist(NewestFirst, N - Sent)}.

bump(Counters, Adds) -> lists:foldl(fun({K, N}, C) -> C#{K := maps:get(K, C) + N} end, Counters, Adds).

sync_json(#{sync := Sync, by_kind := ByKind}) when map_size(ByKind) =:= 0 -> Sync;
sync_json(#{sync := Sync, by_kind := ByKind}) -> Sync#{<<"byKind">> => ByKind}.
