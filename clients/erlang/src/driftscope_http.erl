%% HTTP to the collector with httpc and jiffy (protocol §8): one attempt per call, whose
%% outcome tells the caller whether to retry (and after how long, when the collector
%% said so with Retry-After) or not. The agent spaces its retries with backoff_ms/1.
-module(driftscope_http).
-export([post_ingest/2, poll_config/4, backoff_ms/1, backoff_ms/2, retry_after_ms/1, decode/1]).

-define(TIMEOUT_MS, 10000).
-define(CONNECT_TIMEOUT_MS, 5000).
-define(BACKOFF_BASE_MS, 250).
-define(BACKOFF_CAP_MS, 10000).

%% profile: the httpc profile (the agent keeps its held polls on one of their own, so that
%% a poll never holds up a report).
-type conn() :: #{url := string(), token := binary() | undefined, profile => atom()}.
-type outcome() :: {ok, Status :: 200 | 400, Answer :: map(), {T0 :: float(), T1 :: float()}}
                 | {retry, RetryAfterMs :: non_neg_integer() | undefined, Why :: term()}
                 | {refused, Status :: pos_integer(), Body :: term()}.

%% Posts agent messages (maps) as one NDJSON body. A body refused line by line (400 with
%% an ingest answer) is an answer like a 200: the caller reads `rejected`.
-spec post_ingest(conn(), [map()]) -> outcome().
post_ingest(Conn = #{url := Url}, Messages) ->
    Body = [[jiffy:encode(M), $\n] || M <- Messages],
    T0 = driftscope_clock:own_ms(),
    Result = httpc:request(post, {Url ++ "/api/v1/ingest", headers(Conn), "application/x-ndjson", iolist_to_binary(Body)},
                           [{timeout, ?TIMEOUT_MS}, {connect_timeout, ?CONNECT_TIMEOUT_MS}], [{body_format, binary}], profile(Conn)),
    T1 = driftscope_clock:own_ms(),
    case Result of
        {ok, {{_, Status, _}, Headers, RespBody}} ->
            case {Status, decode(RespBody)} of
                {S, #{<<"collectorTimeMs">> := _} = Answer} when S =:= 200; S =:= 400 -> {ok, S, Answer, {T0, T1}};
                {S, _} when S =:= 429; S >= 500 -> {retry, retry_after_ms(Headers), {status, S}};
                {S, Error} -> {refused, S, Error}
            end;
        {error, Reason} -> {retry, undefined, Reason}
    end.

%% The config long poll (§8.1): `{config, Config}` when the collector's version is not
%% After, `no_change` when WaitMs passed, `unknown_agent` on 404 (send hello again).
-spec poll_config(conn(), binary(), non_neg_integer(), non_neg_integer()) ->
          {config, map()} | no_change | unknown_agent | {retry, non_neg_integer() | undefined, term()} | {refused, pos_integer(), term()}.
poll_config(Conn = #{url := Url}, AgentId, After, WaitMs) ->
    Path = io_lib:format("/api/v1/agents/~ts/config?after=~b&waitMs=~b", [uri_string:quote(AgentId), After, WaitMs]),
    case httpc:request(get, {Url ++ lists:flatten(Path), headers(Conn)},
                       [{timeout, WaitMs + ?TIMEOUT_MS}, {connect_timeout, ?CONNECT_TIMEOUT_MS}], [{body_format, binary}], profile(Conn)) of
        {ok, {{_, 200, _}, _, Body}} ->
            #{<<"type">> := <<"config">>, <<"config">> := Config} = decode(Body),
            {config, Config};
        {ok, {{_, 204, _}, _, _}} -> no_change;
        {ok, {{_, 404, _}, _, _}} -> unknown_agent;
        {ok, {{_, S, _}, Headers, _}} when S =:= 429; S >= 500 -> {retry, retry_after_ms(Headers), {status, S}};
        {ok, {{_, S, _}, _, Body}} -> {refused, S, decode(Body)};
        {error, Reason} -> {retry, undefined, Reason}
    end.

%% Delay before retry number Failures + 1: 250 ms × 2^Failures up to 10 s, less up to half
%% at random so that many nodes do not retry in step.
backoff_ms(Failures) -> backoff_ms(Failures, rand:uniform()).
backoff_ms(Failures, Random) ->
    Full = min(?BACKOFF_CAP_MS, ?BACKOFF_BASE_MS * (1 bsl min(Failures, 16))),
    round(Full * (1 - 0.5 * Random)).

%% Retry-After in ms (delta-seconds or an HTTP date), or undefined.
retry_after_ms(Headers) ->
    case lists:keyfind("retry-after", 1, Headers) of
        false -> undefined;
        {_, Value} ->
            case string:to_integer(string:trim(Value)) of
                {Seconds, ""} when Seconds >= 0 -> Seconds * 1000;
                _ ->
                    try httpd_util:convert_request_date(string:trim(Value)) of
                        bad_date -> undefined;
                        Date ->
                            Then = calendar:datetime_to_gregorian_seconds(Date),
                            Now = calendar:datetime_to_gregorian_seconds(calendar:universal_time()),
                            max(0, Then - Now) * 1000
                    catch _:_ -> undefined
                    end
            end
    end.

decode(<<>>) -> undefined;
decode(Body) ->
    try jiffy:decode(Body, [return_maps])
    catch _:_ -> Body
    end.

profile(Conn) -> maps:get(profile, Conn, default).

headers(#{token := undefined}) -> [{"accept", "application/json"}];
headers(#{token := Token}) -> [{"accept", "application/json"}, {"authorization", "Bearer " ++ binary_to_list(Token)}].
