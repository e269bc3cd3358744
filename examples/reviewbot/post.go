package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// comment is the part of GitHub's issue comment the bot reads.
type comment struct {
	ID      int64  `json:"id"`
	Body    string `json:"body"`
	HTMLURL string `json:"html_url"`
}

// postComment creates the bot's comment on the pull request, or updates it
// when a comment with the marker is there already (GitHub's REST API:
// pull requests take issue comments).
func postComment(ctx context.Context, c config, body string) (string, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	base := strings.TrimRight(c.api, "/") + "/repos/" + c.repo
	var existing []comment
	if err := call(ctx, client, c.token, "GET", fmt.Sprintf("%s/issues/%d/comments?per_page=100", base, c.pr), nil, &existing); err != nil {
		return "", err
	}
	payload := map[string]string{"body": body}
	var out comment
	for _, e := range existing {
		if strings.HasPrefix(e.Body, marker) {
			err := call(ctx, client, c.token, "PATCH", fmt.Sprintf("%s/issues/comments/%d", base, e.ID), payload, &out)
			return out.HTMLURL, err
		}
	}
	err := call(ctx, client, c.token, "POST", fmt.Sprintf("%s/issues/%d/comments", base, c.pr), payload, &out)
	return out.HTMLURL, err
}

func call(ctx context.Context, client *http.Client, token, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "hallmark-reviewbot")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %.200s", method, url, resp.Status, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	return nil
}
