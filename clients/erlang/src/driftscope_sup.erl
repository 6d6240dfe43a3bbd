%% Keeps the agents started with start_agent/1; one that crashes is restarted (transient:
%% one stopped with driftscope_agent:stop/0 stays stopped).
-module(driftscope_sup).
-behaviour(supervisor).
-export([start_link/0, start_agent/1, init/1]).

start_link() -> supervisor:start_link({local, ?MODULE}, ?MODULE, []).

start_agent(Opts) ->
    Name = maps:get(name, Opts, driftscope_agent),
    supervisor:start_child(?MODULE, #{id => Name, start => {driftscope_agent, start_link, [Opts]},
                                      restart => transient, shutdown => 5000}).

init([]) -> {ok, {#{strategy => one_for_one, intensity => 5, period => 60}, []}}.
