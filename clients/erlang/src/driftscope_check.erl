%% Checks of what a node hands the agent, made in the caller's process so that a mistake
%% fails where it was made, as {invalid, What, Why}, instead of as a line the collector
%% rejects later. The usual Erlang traps each get their own reason: a string (a list of
%% integers) where an id binary is wanted, a map or a list of lists where version-vector
%% pairs are, `undefined` where a value is required, seconds where milliseconds are.
-module(driftscope_check).
-export([id/2, seq/2, bytes/2, kind/1, vector/2, hash/2, summary/2, interval_ms/2, optional_binary/2]).

-define(MAX_SEQ, 9007199254740991). % 2^53 - 1: the largest integer JSON carries exactly
%% Names every JavaScript object inherits: the collector refuses them as ids.
-define(RESERVED, [<<"constructor">>, <<"__defineGetter__">>, <<"__defineSetter__">>, <<"hasOwnProperty">>,
                   <<"__lookupGetter__">>, <<"__lookupSetter__">>, <<"isPrototypeOf">>, <<"propertyIsEnumerable">>,
                   <<"toString">>, <<"valueOf">>, <<"__proto__">>, <<"toLocaleString">>]).
-define(KINDS, [full, delta, digest, request, ack]).

-spec id(term(), atom()) -> binary().
id(Id, What) when is_binary(Id) ->
    case re:run(Id, "^[A-Za-z0-9._:-]{1,128}$", [{capture, none}]) of
        nomatch -> invalid(What, "must be 1-128 characters of A-Z a-z 0-9 . _ : -", Id);
        match ->
            case lists:member(Id, ?RESERVED) of
                true -> invalid(What, "is a reserved name (an inherited JavaScript property)", Id);
                false -> Id
            end
    end;
id(undefined, What) -> invalid(What, "is undefined; give a binary such as <<\"node-a\">>", undefined);
id([C | _] = Id, What) when is_integer(C) ->
    invalid(What, "is a string (a list of integers), which JSON would carry as an array of numbers; "
                  "give a binary: <<\"...\">> or list_to_binary/1", Id);
id(Id, What) when is_atom(Id) -> invalid(What, "is an atom; give a binary: atom_to_binary/1", Id);
id(Id, What) -> invalid(What, "must be a binary such as <<\"node-a\">>", Id).

-spec seq(term(), atom()) -> non_neg_integer().
seq(N, _What) when is_integer(N), N >= 0, N =< ?MAX_SEQ -> N;
seq(N, What) when is_float(N) -> invalid(What, "must be an integer, not a float", N);
seq(N, What) -> invalid(What, "must be an integer in 0..2^53-1", N).

-spec bytes(term(), atom()) -> non_neg_integer().
bytes(N, What) -> seq(N, What).

%% A payload kind: one of the atoms full, delta, digest, request, ack (or the binary).
-spec kind(term()) -> binary().
kind(Kind) when is_atom(Kind) ->
    case lists:member(Kind, ?KINDS) of
        true -> atom_to_binary(Kind);
        false -> invalid(kind, "must be one of full, delta, digest, request, ack", Kind)
    end;
kind(Kind) when is_binary(Kind) ->
    try binary_to_existing_atom(Kind) of A -> kind(A) catch error:badarg -> invalid(kind, "must be one of full, delta, digest, request, ack", Kind) end;
kind(Kind) -> invalid(kind, "must be one of the atoms full, delta, digest, request, ack", Kind).

%% A version vector: a map #{Origin => Seq} or a list of {Origin, Seq} tuples. Returned as
%% a map without zero entries (an absent origin counts as 0).
-spec vector(term(), atom()) -> #{binary() => pos_integer()}.
vector(VV, What) when is_map(VV) -> vector(maps:to_list(VV), What);
vector(VV, What) when is_list(VV) ->
    Checked = lists:foldl(
      fun({Origin, Seq}, Acc) ->
              O = id(Origin, What),
              case maps:is_key(O, Acc) of
                  true -> invalid(What, "names an origin twice", O);
                  false -> Acc#{O => seq(Seq, What)}
              end;
         ([_, _] = Pair, _) -> invalid(What, "holds a list [Origin, Seq]; give tuples {Origin, Seq} or a map (the agent writes the JSON pairs)", Pair);
         (Other, _) -> invalid(What, "must hold {Origin, Seq} tuples", Other)
      end, #{}, VV),
    maps:filter(fun(_, S) -> S > 0 end, Checked);
vector(undefined, What) -> invalid(What, "is undefined; an empty vector is #{} or []", undefined);
vector(VV, What) -> invalid(What, "must be a map #{Origin => Seq} or a list of {Origin, Seq}", VV).

%% A state hash: 1-128 characters of A-Z a-z 0-9 + / = _ - (e.g. hex or base64).
-spec hash(term(), atom()) -> binary().
hash(H, What) when is_binary(H) ->
    case re:run(H, "^[A-Za-z0-9+/=_-]{1,128}$", [{capture, none}]) of
        match -> H;
        nomatch -> invalid(What, "must be 1-128 characters of A-Z a-z 0-9 + / = _ - (hex or base64)", H)
    end;
hash(H, What) -> id_like_trap(H, What).

-spec summary(term(), atom()) -> binary().
summary(S, _What) when is_binary(S) -> binary:part(S, 0, min(byte_size(S), 256));
summary(S, What) -> id_like_trap(S, What).

%% A duration in milliseconds within [Min, Max] (Max 60000 unless given); a small
%% number is taken for seconds.
-spec interval_ms(term(), {atom(), pos_integer()} | {atom(), pos_integer(), pos_integer()}) -> pos_integer().
interval_ms(Ms, {What, Min}) -> interval_ms(Ms, {What, Min, 60000});
interval_ms(Ms, {_What, Min, Max}) when is_integer(Ms), Ms >= Min, Ms =< Max -> Ms;
interval_ms(Ms, {What, Min, Max}) when is_number(Ms), Ms > 0, Ms < Min ->
    invalid(What, io_lib:format("is in milliseconds (~b..~b); ~p looks like seconds", [Min, Max, Ms]), Ms);
interval_ms(Ms, {What, Min, Max}) -> invalid(What, io_lib:format("must be an integer number of milliseconds, ~b..~b", [Min, Max]), Ms).

%% An optional binary option: `undefined` means absent (never the string "undefined").
-spec optional_binary(term(), atom()) -> binary() | undefined.
optional_binary(undefined, _What) -> undefined;
optional_binary(B, _What) when is_binary(B) -> B;
optional_binary(B, What) -> id_like_trap(B, What).

id_like_trap(undefined, What) -> invalid(What, "is undefined; it must be a binary", undefined);
id_like_trap([C | _] = S, What) when is_integer(C) -> invalid(What, "is a string (a list of integers); give a binary: <<\"...\">> or list_to_binary/1", S);
id_like_trap(Other, What) -> invalid(What, "must be a binary", Other).

invalid(What, Why, Value) ->
    Shown = io_lib:print(Value, 1, 10000, 12), % one line, however long
    erlang:error({invalid, What, lists:flatten(io_lib:format("~ts, got ~ts", [Why, Shown]))}).
