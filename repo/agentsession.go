package repo

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// AgentSession is what the hooks of one agent session have told hallmark,
// kept between hook runs in the git directory (hallmark/sessions.json).
type AgentSession struct {
	Agent string `json:"agent"`
	ID    string `json:"id"`
	// PreEvent is set once an event before the agent's action (a prompt, a
	// pre-tool hook) was checkpointed as the person: only then can what a
	// shell command changed be told from what the person typed.
	PreEvent bool `json:"pre_event,omitempty"`
	// Model is the model an event of the session named, for the events
	// that name none.
	Model string `json:"model,omitempty"`
	Seen  int64  `json:"seen"` // Unix seconds of the last event
}

// maxAgentSessions bounds sessions.json: the oldest are dropped.
const maxAgentSessions = 64

// AgentSession returns what is known of an agent's session, after
// applying update (nil: none) and saving it. It takes the pending state's
// lock, so that hooks of parallel tool calls do not lose each other's
// updates.
func (r *Repo) AgentSession(agent, id string, update func(*AgentSession)) (AgentSession, error) {
	st := newStore(r.git.GitDir)
	unlock, err := st.lock()
	if err != nil {
		return AgentSession{}, err
	}
	defer unlock()
	path := filepath.Join(st.dir, "sessions.json")
	var all []AgentSession
	if b, err := os.ReadFile(path); err == nil {
		if json.Unmarshal(b, &all) != nil {
			all = nil // a damaged file only forgets sessions
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return AgentSession{}, err
	}
	i := slices.IndexFunc(all, func(s AgentSession) bool { return s.Agent == agent && s.ID == id })
	s := AgentSession{Agent: agent, ID: id}
	if i >= 0 {
		s = all[i]
		all = slices.Delete(all, i, i+1)
	}
	if update == nil {
		return s, nil
	}
	before := s
	update(&s)
	if s == before && i >= 0 {
		return s, nil // nothing new: no write (a file written is milliseconds here)
	}
	s.Seen = time.Now().Unix()
	all = append(all, s)
	if len(all) > maxAgentSessions {
		all = all[len(all)-maxAgentSessions:]
	}
	b, err := json.Marshal(all)
	if err != nil {
		return s, err
	}
	return s, writeAtomic(path, b)
}
